#include "cgroup_mounts.hpp"

#include <set>
#include <sstream>

#include "ocirun_host/mountinfo.hpp"

namespace ocirun::cgroups {

namespace {

// A v1 mount's super options name its controllers among flags that are not controllers.
std::vector<std::string> controllers_of(const std::string& super_options) {
    static const std::set<std::string> not_controllers = {
        "rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "favordynmods"};
    std::vector<std::string> out;
    std::istringstream in(super_options);
    for (std::string opt; std::getline(in, opt, ',');) {
        if (opt.empty() || not_controllers.count(opt) || opt.rfind("release_agent=", 0) == 0) continue;
        out.push_back(opt);
    }
    return out;
}

}  // namespace

std::vector<CgroupMount> read_cgroup_mounts() {
    std::vector<CgroupMount> mounts;
    std::set<std::string> seen_devices;
    for (const auto& m : host::read_mountinfo()) {
        if (m.fstype != "cgroup" && m.fstype != "cgroup2") continue;
        if (!seen_devices.insert(m.major_minor).second) continue;
        CgroupMount c;
        c.root = m.root;
        c.mount_point = m.mount_point;
        c.v2 = m.fstype == "cgroup2";
        if (!c.v2) c.controllers = controllers_of(m.super_options);
        mounts.push_back(std::move(c));
    }
    return mounts;
}

}  // namespace ocirun::cgroups
