// /proc files of a process other than mountinfo: its cgroup memberships (/proc/<pid>/cgroup)
// and whether it runs in a user namespace (/proc/self/uid_map).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ocirun::host {

// One line of /proc/<pid>/cgroup: "4:cpu,cpuacct:/user.slice" or, for cgroup v2, "0::/path".
struct CgroupMembership {
    int hierarchy_id = 0;
    std::string controllers_field;         // "cpu,cpuacct", "name=systemd", "" for v2
    std::vector<std::string> controllers;  // the same split at commas; empty for v2
    std::string path;                      // "/user.slice"
};

// Lines that do not have the three fields are skipped.
std::vector<CgroupMembership> parse_proc_cgroup(std::string_view text);
// Of "self" or a pid; throws ocirun::Error when the file cannot be read.
std::vector<CgroupMembership> read_proc_cgroup(const std::string& pid = "self");

// True when this process runs in a user namespace that does not map the full uid range
// (runc skips device rules there: the kernel refuses them). uid_map's text as argument for tests.
bool uid_map_is_partial(std::string_view uid_map);
bool running_in_user_namespace();

}  // namespace ocirun::host
