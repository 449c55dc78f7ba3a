#include "linux/idmapped_mount.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {
namespace {

std::string map_text(const std::vector<spec::LinuxIDMapping>& maps) {
    std::string text;
    for (const auto& m : maps)
        text += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " + std::to_string(m.size) + "\n";
    return text;
}

void write_file_at(int dir_fd, const char* name, const std::string& text, const std::string& where) {
    UniqueFd fd(::openat(dir_fd, name, O_WRONLY | O_CLOEXEC));
    if (!fd) throw sys_error(where + ": open " + name + " of the idmap helper");
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw sys_error(where + ": write " + name + " of the idmap helper (\"" + text + "\")");
}

// A user namespace that carries only the mapping: a short-lived child unshares it, tells us
// which /proc entry is its own (our pid namespace may differ from /proc's), waits while we write
// the maps and take a reference to the namespace, and exits.
class MappingNamespace {
public:
    MappingNamespace(const IdmapRequest& r, const std::string& where) {
        int ready[2], release[2];
        if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0)
            throw sys_error(where + ": pipe for the idmap helper");
        UniqueFd ready_r(ready[0]), ready_w(ready[1]), release_r(release[0]), release_w(release[1]);
        pid_ = ::fork();
        if (pid_ < 0) throw sys_error(where + ": fork the idmap helper");
        if (pid_ == 0) {
            // Child: async-signal-safe calls only.
            char proc_self[32] = {};
            ssize_t n = ::readlink("/proc/self", proc_self, sizeof proc_self - 1);
            if (n <= 0 || ::unshare(CLONE_NEWUSER) != 0) ::_exit(1);
            if (::write(ready_w.get(), proc_self, static_cast<std::size_t>(n)) != n) ::_exit(1);
            ::close(release_w.get());  // so the parent closing its end reaches us as EOF
            char c;
            while (::read(release_r.get(), &c, 1) < 0 && errno == EINTR) {
            }
            ::_exit(0);
        }
        ready_w.reset();
        release_r.reset();
        char buf[32] = {};
        const ssize_t n = ::read(ready_r.get(), buf, sizeof buf - 1);
        if (n <= 0) {
            finish();
            throw Error(where + ": the idmap helper could not create a user namespace");
        }
        const std::string proc_dir = "/proc/" + std::string(buf, static_cast<std::size_t>(n));
        try {
            UniqueFd dir(::open(proc_dir.c_str(), O_DIRECTORY | O_PATH | O_CLOEXEC));
            if (!dir) throw sys_error(where + ": open " + proc_dir);
            write_file_at(dir.get(), "uid_map", map_text(r.uid_mappings), where + ": uidMappings");
            write_file_at(dir.get(), "gid_map", map_text(r.gid_mappings), where + ": gidMappings");
            fd_.reset(::openat(dir.get(), "ns/user", O_RDONLY | O_CLOEXEC));
            if (!fd_) throw sys_error(where + ": open the idmap helper's user namespace");
        } catch (...) {
            finish();
            throw;
        }
        release_w.reset();  // the child's read returns 0: it exits
        finish();
    }
    int fd() const { return fd_.get(); }

private:
    void finish() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);  // no-op when it already exited
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
    pid_t pid_ = -1;
    UniqueFd fd_;
};

}  // namespace

void mount_idmapped(const IdmapRequest& r, int target_fd, const std::string& where) {
    if (r.uid_mappings.empty() || r.gid_mappings.empty())
        throw Error(where + ": an idmapped mount needs both uidMappings and gidMappings");
    MappingNamespace userns(r, where);

    unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    if (r.recursive_tree) tree_flags |= AT_RECURSIVE;
    UniqueFd tree(static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, r.source.c_str(), tree_flags)));
    if (!tree) throw sys_error(where + ": open_tree(OPEN_TREE_CLONE) " + r.source);

    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<std::uint64_t>(userns.fd());
    const unsigned setattr_flags = AT_EMPTY_PATH | (r.recursive_idmap ? AT_RECURSIVE : 0);
    if (::syscall(SYS_mount_setattr, tree.get(), "", setattr_flags, &attr, sizeof attr) != 0) {
        const int err = errno;
        throw Error(where + ": mount_setattr(MOUNT_ATTR_IDMAP) " + r.source + ": " + std::strerror(err) +
                    (err == EINVAL ? " (does the source's filesystem support idmapped mounts?)" : ""));
    }
    if (::syscall(SYS_move_mount, tree.get(), "", target_fd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        throw sys_error(where + ": move_mount of the idmapped " + r.source);
}

}  // namespace ocirun::linux_init
