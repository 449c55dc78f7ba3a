// Stdio that is the caller's /dev/null is pointed at the container's own /dev/null, as runc's
// init does once the rootfs is "/". An fd left on the host's /dev/null belongs to a mount
// outside the container's mount namespace: CRIU cannot dump it ("Can't lookup mount"), and the
// container would keep a reference to the host's /dev.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

void reopen_dev_null_stdio() {
    UniqueFd dev_null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!dev_null) throw sys_error("open /dev/null in the container");
    struct stat container_null {};
    if (::fstat(dev_null.get(), &container_null) < 0) throw sys_error("fstat /dev/null");
    for (int fd = 0; fd < 3; ++fd) {
        struct stat st {};
        if (::fstat(fd, &st) < 0) continue;  // a closed stdio fd stays closed
        // A /dev/null by device number: re-opened on the container's mount whatever its inode.
        if (!S_ISCHR(st.st_mode) || st.st_rdev != container_null.st_rdev) continue;
        if (::dup3(dev_null.get(), fd, 0) < 0) throw sys_error("dup3 /dev/null onto stdio");
    }
}

}  // namespace ocirun::linux_init
