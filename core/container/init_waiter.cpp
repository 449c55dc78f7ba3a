#include "container/init_waiter.hpp"

#include <sys/wait.h>

#include <cerrno>

#include "ocirun/error.hpp"

namespace ocirun::container {

int wait_for_init(pid_t pid, bool forward, bool subreaper) {
    int status = 0;
    if (!forward) {
        for (;;) {
            if (::waitpid(pid, &status, 0) == pid) return exit_code_of(status);
            if (errno != EINTR) throw sys_error("waitpid for the container init " + std::to_string(pid));
        }
    }

    const SignalForwardingScope forwarding(subreaper);
    const sigset_t& set = forwarding.signals();

    for (;;) {
        // Reap first: the init may have exited before SIGCHLD was blocked.
        for (;;) {
            pid_t r = ::waitpid(-1, &status, WNOHANG);
            if (r == pid) return exit_code_of(status);
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

void kill_and_reap(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace ocirun::container
