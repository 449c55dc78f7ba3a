// Which cgroup layout this host has, decided like runc: /sys/fs/cgroup itself a cgroup2 mount is
// "unified" (pure v2); otherwise v1 controllers, with a cgroup2 at /sys/fs/cgroup/unified being
// "hybrid".
#pragma once

#include <string>

namespace ocirun::cgroups {

enum class HostCgroupMode { Legacy, Hybrid, Unified, None };

HostCgroupMode host_cgroup_mode();

inline constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
inline constexpr const char* kHybridUnifiedRoot = "/sys/fs/cgroup/unified";

// True when this process runs inside a user namespace that does not map the full uid range
// (runc skips the devices controller there, since the kernel refuses device rules).
bool running_in_user_namespace();

}  // namespace ocirun::cgroups
