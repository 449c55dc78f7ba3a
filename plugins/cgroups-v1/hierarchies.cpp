#include "hierarchies.hpp"

#include <algorithm>
#include <set>

#include "ocirun_host/cgroup_mode.hpp"
#include "cgroup_mounts.hpp"

namespace ocirun::cgroups::v1 {

// runc's cgroupfs subsystems; other named hierarchies are not joined.
static const std::set<std::string> kJoined = {"cpuset", "devices", "memory", "cpu", "cpuacct",
                                              "pids", "blkio", "hugetlb", "net_cls", "net_prio",
                                              "perf_event", "freezer", "rdma", "misc", "name=systemd"};

std::string Hierarchy::relative_dir(const Placement& placement) const {
    if (!placement.relative_to_own_cgroup) return placement.path;
    // own_cgroup is hierarchy-absolute; strip the mount's root to get a path under mount_point.
    std::string base = own_cgroup;
    if (mount_root != "/" && base.rfind(mount_root, 0) == 0) base = base.substr(mount_root.size());
    std::string joined = join_cgroup_path(base, placement.path);
    return joined.substr(1);
}

const Hierarchy* Layout::find(const std::string& controller) const {
    for (const auto& h : v1)
        if (std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end()) return &h;
    return nullptr;
}

Layout discover_layout() {
    Layout layout;
    auto memberships = read_proc_cgroup();
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    auto own_path = [&](const std::vector<std::string>& controllers) -> std::string {
        for (const auto& m : memberships) {
            if (controllers.empty() ? m.hierarchy_id == 0 && m.controllers.empty()
                                    : sorted(m.controllers) == sorted(controllers))
                return m.path;
        }
        return "/";
    };
    for (auto& mount : read_cgroup_mounts()) {
        if (mount.v2) {
            if (mount.mount_point == host::kHybridUnifiedRoot)
                layout.unified = Hierarchy{mount.mount_point, mount.root, {}, own_path({})};
            continue;
        }
        bool joined = std::any_of(mount.controllers.begin(), mount.controllers.end(),
                                  [](const std::string& c) { return kJoined.count(c) != 0; });
        if (!joined) continue;
        std::string own = own_path(mount.controllers);
        layout.v1.push_back(Hierarchy{mount.mount_point, mount.root, mount.controllers, own});
    }
    return layout;
}

}  // namespace ocirun::cgroups::v1
