// Making the rootfs "/" of the container.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

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

// --no-pivot: the rootfs is moved over "/" and chrooted into; the host's root stays under it.
void move_into(int root_fd) {
    if (::fchdir(root_fd) != 0) throw sys_error("--no-pivot: chdir into the rootfs");
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) throw sys_error("--no-pivot: move the rootfs to /");
    if (::chroot(".") != 0) throw sys_error("--no-pivot: chroot");
    if (::chdir("/") != 0) throw sys_error("--no-pivot: chdir /");
}

}  // namespace

void enter_rootfs(const spec::Spec& spec, int root_fd, bool no_pivot) {
    if (no_pivot) {
        move_into(root_fd);
    } else {
        pivot_into(root_fd);
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
