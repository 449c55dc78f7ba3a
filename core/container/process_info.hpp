// Facts about host processes read from /proc, used to tell "our init" from a recycled pid.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace ocirun::container {

// /proc/PID/stat field 22 (starttime, in clock ticks since boot), or nullopt when PID is gone.
std::optional<unsigned long long> process_start_time(pid_t pid);

// True when PID exists, is not a zombie, and started at `start_time` (so it is the same process).
bool process_is_alive(pid_t pid, unsigned long long start_time);

// Every descendant of PID (children, grandchildren...), found through /proc/*/stat ppid fields.
std::vector<pid_t> process_descendants(pid_t pid);

// Wait (bounded) until PID is no longer the process started at `start_time`. Reaps it when it is
// our child. Returns false on timeout.
bool wait_for_process_exit(pid_t pid, unsigned long long start_time, int timeout_ms);

}  // namespace ocirun::container
