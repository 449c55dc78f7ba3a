// Waiting for a container's init (or exec'd process) from the process that started it,
// optionally forwarding every signal this process receives to it (what `run` in the foreground
// does), and killing and reaping one that must not outlive a failed create or exec.
#pragma once

#include <sys/types.h>

#include "container/signal_forwarding.hpp"

namespace ocirun::container {

// waitpid(pid) until it exits. With `forward`: sigwaitinfo loop forwarding signals to `pid`,
// reaping any other child too (as a subreaper when `subreaper`), SIGWINCH ignored.
// Returns the exit code, or 128+signal.
int wait_for_init(pid_t pid, bool forward, bool subreaper);

// SIGKILL our child `pid` and reap it, so that nothing is left of it; no-op for pid <= 0.
void kill_and_reap(pid_t pid);

}  // namespace ocirun::container
