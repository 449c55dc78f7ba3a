// /dev inside the rootfs: the default nodes every container gets, the standard symlinks, and
// linux.devices. Inside a user namespace mknod is not allowed, so the host's node is bind-mounted
// onto an empty file instead (as runc does).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/init_steps.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

struct Node {
    std::string path;  // inside the container, also the host node for the bind fallback
    mode_t type;       // S_IFCHR, S_IFBLK, S_IFIFO
    dev_t dev;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

void bind_host_node(int root_fd, const Node& n, const std::string& where) {
    ResolvedPath target = resolve_in_root(root_fd, n.path, Create::kFile);
    if (::mount(n.path.c_str(), target.proc_path().c_str(), nullptr, MS_BIND, nullptr) != 0)
        throw sys_error(where + ": bind mount " + n.path);
}

void make_node(int root_fd, const Node& n, bool in_user_ns, const std::string& where) {
    if (in_user_ns) {
        bind_host_node(root_fd, n, where);
        return;
    }
    ParentAndName pn = resolve_parent_in_root(root_fd, n.path);
    const mode_t old = ::umask(0);
    int rc = ::mknodat(pn.parent.fd.get(), pn.name.c_str(), n.type | (n.mode & 07777), n.dev);
    int err = errno;
    ::umask(old);
    if (rc != 0 && err == EEXIST) return;  // already there: keep it, as runc does
    if (rc != 0) {
        // mknod may be refused (a nodev mount, a device cgroup): fall back to binding the host's.
        if (err == EPERM && n.type != S_IFIFO) {
            bind_host_node(root_fd, n, where);
            return;
        }
        throw sys_error(where + ": mknod " + n.path, err);
    }
    ResolvedPath made = resolve_in_root(root_fd, n.path);
    // fchownat/fchmodat through the O_PATH fd's /proc link: the node itself, never a symlink.
    if (::fchownat(made.fd.get(), "", n.uid, n.gid, AT_EMPTY_PATH) != 0)
        throw sys_error(where + ": chown " + n.path);
    if (::chmod(made.proc_path().c_str(), n.mode & 07777) != 0)
        throw sys_error(where + ": chmod " + n.path);
}

}  // namespace

void create_default_devices(int root_fd, bool in_user_ns) {
    static const struct {
        const char* name;
        unsigned major, minor;
    } kDefaults[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
                     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    for (const auto& d : kDefaults) {
        Node n{std::string("/dev/") + d.name, S_IFCHR, makedev(d.major, d.minor), 0666, 0, 0};
        make_node(root_fd, n, in_user_ns, "default device /dev/" + std::string(d.name));
    }
}

void create_dev_symlinks(int root_fd) {
    ResolvedPath dev = resolve_in_root(root_fd, "/dev", Create::kDir);
    struct {
        const char* target;
        const char* name;
    } links[] = {{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
                 {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}};
    for (const auto& l : links)
        if (::symlinkat(l.target, dev.fd.get(), l.name) != 0 && errno != EEXIST)
            throw sys_error("create /dev/" + std::string(l.name));
    if (::access("/proc/kcore", F_OK) == 0 && ::symlinkat("/proc/kcore", dev.fd.get(), "core") != 0 &&
        errno != EEXIST)
        throw sys_error("create /dev/core");
    // /dev/ptmx must be the container's devpts instance's ptmx, not a host node.
    if (::unlinkat(dev.fd.get(), "ptmx", 0) != 0 && errno != ENOENT)
        throw sys_error("remove /dev/ptmx");
    if (::symlinkat("pts/ptmx", dev.fd.get(), "ptmx") != 0) throw sys_error("create /dev/ptmx");
}

void create_spec_devices(const spec::Spec& spec, int root_fd, bool in_user_ns) {
    if (!spec.linuxSection) return;
    const auto& devices = spec.linuxSection->devices;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        const spec::LinuxDevice& d = devices[i];
        const std::string where = "config.json: linux.devices[" + std::to_string(i) + "] (" + d.path + ")";
        mode_t type;
        if (d.type == "c" || d.type == "u") {
            type = S_IFCHR;
        } else if (d.type == "b") {
            type = S_IFBLK;
        } else if (d.type == "p") {
            type = S_IFIFO;
        } else {
            throw Error(where + ": unknown device type \"" + d.type + "\"");
        }
        Node n{d.path, type,
               makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor)),
               d.fileMode.value_or(0666), d.uid.value_or(0), d.gid.value_or(0)};
        try {
            make_node(root_fd, n, in_user_ns, where);
        } catch (const ResolveError& e) {
            throw Error(where + ": " + e.what());  // name the entry, as mount errors do
        }
    }
}

}  // namespace ocirun::linux_init
