// The cgroup mounts of this host, from the host library's mountinfo parser (ocirun_host).
#pragma once

#include <string>
#include <vector>

#include "ocirun_host/proc.hpp"

namespace ocirun::cgroups {

struct CgroupMount {
    std::string mount_point;               // "/sys/fs/cgroup/cpu,cpuacct"
    std::string root;                      // the mount's root inside the hierarchy (usually "/")
    bool v2 = false;                       // fstype cgroup2
    std::vector<std::string> controllers;  // v1: "cpu", "cpuacct", "name=systemd"; v2: empty
};

// Every cgroup/cgroup2 mount, first mount of each hierarchy only (bind mounts repeat them).
std::vector<CgroupMount> read_cgroup_mounts();

// A process's memberships (/proc/<pid>/cgroup), parsed by the host library.
using host::CgroupMembership;
using host::read_proc_cgroup;

}  // namespace ocirun::cgroups
