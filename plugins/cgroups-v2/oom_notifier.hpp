// v2 OOM notification: inotify on memory.events, which the kernel modifies (and notifies) when
// any of its counters moves; the caller compares the oom_kill count to tell OOM kills apart.
#pragma once

#include <string>

namespace ocirun::cgroups::v2 {

// An inotify fd (O_CLOEXEC|O_NONBLOCK) watching `dir`/memory.events for IN_MODIFY, or -1 when
// the cgroup has no memory controller. Throws naming the file on other failures.
int open_v2_oom_inotify(const std::string& dir);

}  // namespace ocirun::cgroups::v2
