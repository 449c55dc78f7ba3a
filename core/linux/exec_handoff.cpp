// The last steps before execve, shared by the container's init and `exec`'d processes: load
// the syscall filter (handing a listener fd to the runtime) and hand over only the fds the
// process may keep.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

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

void hand_over_fds(unsigned preserve_fds, std::initializer_list<int> keep_until_exec) {
    const unsigned first_closed = 3 + preserve_fds;
    std::vector<unsigned> keep;
    for (int fd : keep_until_exec)
        if (fd >= 0 && static_cast<unsigned>(fd) >= first_closed) keep.push_back(static_cast<unsigned>(fd));
    std::sort(keep.begin(), keep.end());
    unsigned from = first_closed;  // close [from, next kept fd) ranges, then everything above
    for (unsigned k : keep) {
        if (k > from && ::syscall(SYS_close_range, from, k - 1, 0) != 0) throw sys_error("close_range");
        from = k + 1;
    }
    if (::syscall(SYS_close_range, from, ~0U, 0) != 0) throw sys_error("close_range");
    for (unsigned fd = 0; fd < first_closed; ++fd) {
        int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
        if (flags >= 0 && (flags & FD_CLOEXEC))
            ::fcntl(static_cast<int>(fd), F_SETFD, flags & ~FD_CLOEXEC);
    }
}

UniqueFd above_preserved_fds(UniqueFd fd, unsigned preserve_fds) {
    if (!fd || static_cast<unsigned>(fd.get()) >= 3 + preserve_fds) return fd;
    UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, static_cast<int>(3 + preserve_fds)));
    if (!moved) throw sys_error("fcntl(F_DUPFD_CLOEXEC) above the preserved fds");
    return moved;
}

}  // namespace ocirun::linux_init
