// Making the rootfs "/" of the container.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "linux/init_steps.hpp"
#include "linux/mount_options.hpp"
#include "ocirun/error.hpp"
#include "spec/known_names.hpp"

namespace ocirun::linux_init {
namespace {

// pivot_root(".", ".") stacks the old root on top of the new one at "/"; detaching it then
// leaves only the rootfs, with no directory of the host left to walk to.
void pivot_into(int root_fd) {
    UniqueFd old_root(::open("/", O_DIRECTORY | O_PATH | O_CLOEXEC));
    if (!old_root) throw sys_error("pivot_root: open /");
    if (::fchdir(root_fd) != 0) throw sys_error("pivot_root: chdir into the rootfs");
    if (::syscall(SYS_pivot_root, ".", ".") != 0) throw sys_error("pivot_root");
    if (::fchdir(old_root.get()) != 0) throw sys_error("pivot_root: chdir to the old root");
    // Slave first so the detach below never propagates to the host's mounts.
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0)
        throw sys_error("pivot_root: make the old root rslave");
    if (::umount2(".", MNT_DETACH) != 0) throw sys_error("pivot_root: detach the old root");
    if (::chdir("/") != 0) throw sys_error("pivot_root: chdir /");
}

// One line of /proc/self/mountinfo: what detach_whole_proc_and_sysfs needs.
struct MountLine {
    std::string root;         // the part of the filesystem shown ("/": all of it)
    std::string mount_point;  // octal escapes (\040 for a space) decoded
    std::string fs_type;
};

std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string digits = field.substr(i + 1, 3);
            if (digits.find_first_not_of("01234567") == std::string::npos) {
                out += static_cast<char>(std::stoi(digits, nullptr, 8));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

std::vector<MountLine> read_mountinfo() {
    std::vector<MountLine> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, point, opts, optional, fs_type;
        fields >> id >> parent >> devno >> root >> point >> opts;
        while (fields >> optional && optional != "-") {
        }
        fields >> fs_type;
        out.push_back({unescape_mountinfo(root), unescape_mountinfo(point), fs_type});
    }
    return out;
}

bool is_inside(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           (dir == "/" || path[dir.size()] == '/'));
}

// --no-pivot keeps the host's mounts under the new "/" (MS_MOVE detaches nothing), and the kernel
// lets a nested user namespace mount a fresh proc or sysfs whenever a whole one (root "/", not
// covered) is mounted anywhere in the mount namespace: the container could then see the /proc
// that maskedPaths hide. As runc does, detach every whole proc and sysfs mount outside the
// rootfs first; one that cannot be unmounted is covered with an empty tmpfs instead.
void detach_whole_proc_and_sysfs(const std::string& rootfs) {
    for (const MountLine& m : read_mountinfo()) {
        if (m.root != "/" || (m.fs_type != "proc" && m.fs_type != "sysfs")) continue;
        if (is_inside(m.mount_point, rootfs)) continue;
        const char* p = m.mount_point.c_str();
        // Gone with a mount detached before it (e.g. /proc/sys/fs/binfmt_misc under /proc).
        if (::mount(nullptr, p, nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
            if (errno == ENOENT) continue;
            throw sys_error("--no-pivot: make " + m.mount_point + " rslave before detaching it");
        }
        if (::umount2(p, MNT_DETACH) == 0) continue;
        if ((errno != EINVAL && errno != EPERM) || ::mount("tmpfs", p, "tmpfs", 0, nullptr) != 0)
            throw sys_error("--no-pivot: detach (or cover) the host's " + m.fs_type + " at " + m.mount_point);
    }
}

std::string path_of_fd(int fd) {
    std::string target(PATH_MAX, '\0');
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
    if (n < 0) throw sys_error("--no-pivot: readlink " + link);
    target.resize(static_cast<std::size_t>(n));
    return target;
}

// --no-pivot: the rootfs is moved over "/" and chrooted into; the host's root stays under it.
void move_into(int root_fd) {
    detach_whole_proc_and_sysfs(path_of_fd(root_fd));
    if (::fchdir(root_fd) != 0) throw sys_error("--no-pivot: chdir into the rootfs");
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) throw sys_error("--no-pivot: move the rootfs to /");
    if (::chroot(".") != 0) throw sys_error("--no-pivot: chroot");
    if (::chdir("/") != 0) throw sys_error("--no-pivot: chdir /");
}

// No mount namespace of its own: "/" is the caller's, so it is neither pivoted nor moved over;
// the process is only confined to the rootfs (runc's fallback there).
void chroot_into(int root_fd) {
    if (::fchdir(root_fd) != 0) throw sys_error("chroot: chdir into the rootfs");
    if (::chroot(".") != 0) throw sys_error("chroot into the rootfs");
    if (::chdir("/") != 0) throw sys_error("chroot: chdir /");
}

}  // namespace

void enter_rootfs(const spec::Spec& spec, int root_fd, RootEntry how) {
    switch (how) {
        case RootEntry::kPivotRoot: pivot_into(root_fd); break;
        case RootEntry::kMoveAndChroot: move_into(root_fd); break;
        case RootEntry::kChroot: chroot_into(root_fd); break;
    }
    // The requested propagation applies to the new "/" too (runc does the same).
    if (spec.linuxSection && !spec.linuxSection->rootfsPropagation.empty()) {
        const auto* opt = spec::find_mount_option(spec.linuxSection->rootfsPropagation);
        if (opt && opt->propagation && ::mount(nullptr, "/", nullptr, opt->flag, nullptr) != 0)
            throw sys_error("config.json: linux.rootfsPropagation: apply to the new /");
    }
}

void remount_root_readonly() {
    const unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (::mount(nullptr, "/", nullptr, flags, nullptr) != 0 &&
        (errno != EPERM || ::mount(nullptr, "/", nullptr, flags | locked_mount_flags("/"), nullptr) != 0))
        throw sys_error("config.json: root.readonly: remount / read-only");
}

}  // namespace ocirun::linux_init
