// v1 OOM notification: an eventfd registered on memory.oom_control through cgroup.event_control.
#pragma once

#include <string>

namespace ocirun::cgroups::v1 {

// Returns an eventfd (O_CLOEXEC) that is signalled on each OOM in the memory cgroup `dir`
// (and when the cgroup is removed). Throws naming the file on failure.
int open_v1_oom_eventfd(const std::string& dir);

}  // namespace ocirun::cgroups::v1
