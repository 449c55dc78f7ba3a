// Waiting for a container's init from the process that cloned it, optionally forwarding every
// signal this process receives to the init (what `run` in the foreground does).
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace ocirun::container {

// Every signal a foreground runtime forwards to its container: all but the uncatchable ones and
// the synchronous fault signals (blocking those would hide our own crashes).
sigset_t forwardable_signals();

// Block forwardable_signals() in the calling thread (idempotent), so none is lost before the
// forwarding loop starts.
void block_forwardable_signals();

// waitpid(pid) until it exits. With `forward`: sigwaitinfo loop forwarding signals to `pid`,
// reaping any other child too (as a subreaper when `subreaper`), SIGWINCH ignored.
// Returns the exit code, or 128+signal.
int wait_for_init(pid_t pid, bool forward, bool subreaper);

}  // namespace ocirun::container
