// The last steps before execve, shared by the container's init and `exec`'d processes: load
// the syscall filter (handing a listener fd to the runtime) and hand over only the fds the
// process may keep.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/init_steps.hpp"
#include "linux/syscall_filter_install.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {

void load_syscall_filter(const plugin::CompiledFilter& filter, int sync_fd) {
    const int listener = install_syscall_filter(filter);
    if (listener >= 0) {
        send_msg(sync_fd, SyncMsg::kNotifyFd, {}, listener);
        ::close(listener);
    }
}

void hand_over_fds(unsigned preserve_fds) { hand_over_fds(preserve_fds, -1); }

void hand_over_fds(unsigned preserve_fds, int keep_until_exec) {
    const unsigned first_closed = 3 + preserve_fds;
    if (keep_until_exec >= 0 && static_cast<unsigned>(keep_until_exec) >= first_closed) {
        const auto keep = static_cast<unsigned>(keep_until_exec);
        if (keep > first_closed && ::syscall(SYS_close_range, first_closed, keep - 1, 0) != 0)
            throw sys_error("close_range");
        if (::syscall(SYS_close_range, keep + 1, ~0U, 0) != 0) throw sys_error("close_range");
    } else if (::syscall(SYS_close_range, first_closed, ~0U, 0) != 0) {
        throw sys_error("close_range");
    }
    for (unsigned fd = 0; fd < first_closed; ++fd) {
        int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
        if (flags >= 0 && (flags & FD_CLOEXEC))
            ::fcntl(static_cast<int>(fd), F_SETFD, flags & ~FD_CLOEXEC);
    }
}

}  // namespace ocirun::linux_init
