#include "container/init_waiter.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>

#include "ocirun/error.hpp"

namespace ocirun::container {
namespace {

int decode_wait_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace

sigset_t forwardable_signals() {
    sigset_t set;
    ::sigfillset(&set);
    for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGSYS, SIGTRAP, SIGABRT})
        ::sigdelset(&set, sig);
    return set;
}

void block_forwardable_signals() {
    sigset_t set = forwardable_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_init(pid_t pid, bool forward, bool subreaper) {
    int status = 0;
    if (!forward) {
        for (;;) {
            if (::waitpid(pid, &status, 0) == pid) return decode_wait_status(status);
            if (errno != EINTR) throw sys_error("waitpid for the container init " + std::to_string(pid));
        }
    }

    if (subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        throw sys_error("prctl(PR_SET_CHILD_SUBREAPER)");
    sigset_t set = forwardable_signals();
    sigset_t previous;
    ::pthread_sigmask(SIG_BLOCK, &set, &previous);
    struct RestoreMask {
        sigset_t mask;
        ~RestoreMask() { ::pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};

    for (;;) {
        // Reap first: the init may have exited before SIGCHLD was blocked.
        for (;;) {
            pid_t r = ::waitpid(-1, &status, WNOHANG);
            if (r == pid) return decode_wait_status(status);
            if (r > 0) continue;  // an orphan we adopted as subreaper
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && errno == ECHILD)
                throw Error("container init " + std::to_string(pid) + " is not a child of this process");
            break;
        }
        siginfo_t info{};
        int sig = ::sigwaitinfo(&set, &info);
        if (sig < 0) {
            if (errno == EINTR) continue;
            throw sys_error("sigwaitinfo");
        }
        if (sig == SIGCHLD) continue;
        if (sig == SIGWINCH) continue;  // TODO(terminal): resize the container's pty
        ::kill(pid, sig);
    }
}

}  // namespace ocirun::container
