// The cgroup mounts of this host (/proc/self/mountinfo) and a process's memberships
// (/proc/<pid>/cgroup).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocirun::cgroups {

struct CgroupMount {
    std::string mount_point;               // "/sys/fs/cgroup/cpu,cpuacct"
    std::string root;                      // the mount's root inside the hierarchy (usually "/")
    bool v2 = false;                       // fstype cgroup2
    std::vector<std::string> controllers;  // v1: "cpu", "cpuacct", "name=systemd"; v2: empty
};

// Every cgroup/cgroup2 mount, first mount of each hierarchy only (bind mounts repeat them).
std::vector<CgroupMount> read_cgroup_mounts();

struct CgroupMembership {
    int hierarchy_id = 0;
    std::vector<std::string> controllers;  // empty for the v2 line "0::/path"
    std::string path;                      // "/process_api/abc"
};

// "self" or a pid.
std::vector<CgroupMembership> read_proc_cgroup(const std::string& pid = "self");

}  // namespace ocirun::cgroups
