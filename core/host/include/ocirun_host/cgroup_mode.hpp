// The cgroup layout of this host, decided like runc: /sys/fs/cgroup a cgroup2 mount is Unified
// (pure v2); a tmpfs (or cgroup v1) mount holding v1 hierarchies is Legacy, or Hybrid when a
// cgroup2 is also mounted at /sys/fs/cgroup/unified. Anything else (no /sys/fs/cgroup, or a
// plain directory) is None: no cgroup driver fits, and runc refuses to run there too.
#pragma once

#include <string>

namespace ocirun::host {

enum class CgroupMode { Legacy, Hybrid, Unified, None };

inline constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
inline constexpr const char* kHybridUnifiedRoot = "/sys/fs/cgroup/unified";

// `root` is a parameter for the tests; its "unified" subdirectory is the hybrid cgroup2 mount.
CgroupMode cgroup_mode(const std::string& root = kCgroupRoot);

// The cgroup-driver plugin for a mode: "cgroups-v2" for Unified, "cgroups-v1" for Legacy and
// Hybrid (the v1 driver also handles the hybrid unified mount), "" for None.
std::string cgroup_driver_for(CgroupMode mode);

// The driver --systemd-cgroup selects (never replaced by another one when it is missing).
inline constexpr const char* kSystemdCgroupDriver = "cgroups-systemd";

// Why no cgroup driver fits a None host (the same text from the core and the drivers).
inline constexpr const char* kNoCgroupFilesystem = "no cgroup filesystem is mounted at /sys/fs/cgroup";

}  // namespace ocirun::host
