// What a foreground runtime (`run`, `exec` without --detach) shares while it waits for its
// container's process, with or without a terminal proxy (init_waiter.cpp, terminal_proxy.cpp):
// which signals it forwards, the scope in which they are blocked so that they queue for
// sigwaitinfo/signalfd instead of killing us, and how a wait status becomes an exit code.
#pragma once

#include <signal.h>

namespace ocirun::container {

// Every signal a foreground runtime forwards to its container: all but the uncatchable ones and
// the synchronous fault signals (blocking those would hide our own crashes).
sigset_t forwardable_signals();

// Block forwardable_signals() in the calling thread (idempotent), so none is lost before the
// forwarding loop starts.
void block_forwardable_signals();

// While it lives, forwardable_signals() are blocked in this thread; the previous mask comes
// back when it goes. With `subreaper` this process first becomes a child subreaper (foreground
// `run`: orphans of the container are reparented to us and reaped), which it stays.
class SignalForwardingScope {
public:
    explicit SignalForwardingScope(bool subreaper);
    ~SignalForwardingScope();
    SignalForwardingScope(const SignalForwardingScope&) = delete;
    SignalForwardingScope& operator=(const SignalForwardingScope&) = delete;

    const sigset_t& signals() const { return forwarded_; }

private:
    sigset_t forwarded_;
    sigset_t previous_;
};

// A waitpid status as a shell reports it: the exit code, 128+signal when killed, else 255.
int exit_code_of(int wait_status);

}  // namespace ocirun::container
