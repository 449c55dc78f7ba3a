// The last steps before execve, shared by the container's init and `exec`'d processes: the
// process's own setup in order (prepare_process_exec), loading the syscall filter (handing a
// listener fd to the runtime) and handing over only the fds the process may keep.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "linux/exec_trampoline.hpp"
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

namespace {

void load_filter(const ExecHandoff& h) {
    try {
        load_syscall_filter(*h.seccomp, h.sync_fd);
    } catch (const Error& e) {
        if (!*h.filter_error_prefix) throw;
        throw Error(h.filter_error_prefix + std::string(e.what()));  // the kernel refused it
    }
}

}  // namespace

ProcessReadyToExec prepare_process_exec(const spec::Process& process, const ExecHandoff& h) {
    apply_process_attributes(process);
    apply_umask(process);
    // The cwd may be reachable only as root (or only as the user): try before and after.
    const bool cwd_entered = ::chdir(process.cwd.empty() ? "/" : process.cwd.c_str()) == 0;
    apply_rlimits(process);
    const bool filter_after_caps = process.noNewPrivileges;
    ProcessReadyToExec ready;
    ready.trampoline = above_preserved_fds(make_sealed_trampoline(), h.preserve_fds);
    // What stays open is close-on-exec: the sync socket (the init's until execve: its EOF is
    // `run`'s exec signal), the init's exec fifo, the trampoline.
    hand_over_fds(h.preserve_fds, {h.keep_until_exec, ready.trampoline.get(), h.sync_fd});
    // Where runc sets them: before any filter (so none has to allow the /proc/self/attr writes);
    // they take effect at the execve of the trampoline, which then execs the program.
    if (h.lsm) set_exec_labels(*h.lsm);
    if (h.seccomp && !filter_after_caps) load_filter(h);
    apply_user_and_capabilities(process, h.in_user_ns);
    if (!cwd_entered) enter_cwd(process);
    apply_no_new_privileges(process);
    ready.executable = find_executable(process);
    // Before kReady, as runc does: a failed load still fails create or exec, and a listener fd
    // must still reach the runtime over the sync socket.
    if (h.seccomp && filter_after_caps) load_filter(h);
    return ready;
}

}  // namespace ocirun::linux_init
