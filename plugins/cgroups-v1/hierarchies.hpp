// The v1 hierarchies this driver joins (runc's cgroupfs subsystems plus name=systemd) and, on a
// hybrid host, the cgroup2 at /sys/fs/cgroup/unified, each with the runtime's own cgroup in it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cgroups_path.hpp"

namespace ocirun::cgroups::v1 {

struct Hierarchy {
    std::string mount_point;               // /sys/fs/cgroup/cpu,cpuacct
    std::string mount_root;                // root of the mount inside the hierarchy
    std::vector<std::string> controllers;  // {"cpu","cpuacct"}; {"name=systemd"}; {} for unified
    std::string own_cgroup;                // this process's cgroup in it (/proc/self/cgroup)

    // Directory relative to mount_point for a placement (absolute: as given; relative: below
    // own_cgroup, re-based on the mount root).
    std::string relative_dir(const Placement& placement) const;
};

struct Layout {
    std::vector<Hierarchy> v1;
    std::optional<Hierarchy> unified;  // hybrid hosts only

    const Hierarchy* find(const std::string& controller) const;
};

Layout discover_layout();

}  // namespace ocirun::cgroups::v1
