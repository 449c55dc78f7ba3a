// Where a container's cgroup goes, from linux.cgroupsPath, following runc's cgroupfs driver:
//   "/a/b"  -> /a/b below each hierarchy's root
//   "a/b"   -> a/b below the runtime's own cgroup in each hierarchy
//   ""      -> "<container id>" below the runtime's own cgroup (runc: same as a relative path)
//   "slice:prefix:name" (systemd form) -> refused: no systemd cgroup driver is installed.
#pragma once

#include <string>

#include "ocirun/plugin.hpp"

namespace ocirun::cgroups {

struct Placement {
    bool relative_to_own_cgroup = false;
    std::string path;  // normalised, without leading '/', never contains ".."; may be "" (root)
};

// Throws ocirun::Error naming linux.cgroupsPath for the systemd form or a path escaping with "..".
Placement resolve_placement(const plugin::CgroupConfig& config, const plugin::HostContext& host);

// Lexically join a cgroup path ("/process_api/x") and a relative one, keeping it absolute.
std::string join_cgroup_path(const std::string& base, const std::string& relative);

}  // namespace ocirun::cgroups
