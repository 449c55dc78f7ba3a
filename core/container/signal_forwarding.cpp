#include "container/signal_forwarding.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>

#include "ocirun/error.hpp"

namespace ocirun::container {

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

SignalForwardingScope::SignalForwardingScope(bool subreaper) : forwarded_(forwardable_signals()) {
    if (subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        throw sys_error("prctl(PR_SET_CHILD_SUBREAPER)");
    ::pthread_sigmask(SIG_BLOCK, &forwarded_, &previous_);
}

SignalForwardingScope::~SignalForwardingScope() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

int exit_code_of(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 255;
}

}  // namespace ocirun::container
