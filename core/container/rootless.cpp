#include "container/rootless.hpp"

#include <unistd.h>

#include <vector>

#include "linux/id_mapping.hpp"
#include "ocirun/error.hpp"
#include "ocirun/ocirun.hpp"
#include "ocirun_host/cgroup_mode.hpp"
#include "ocirun_host/proc.hpp"
#include "util/file_io.hpp"
#include "util/log.hpp"

namespace ocirun::container {
namespace {

bool has_user_namespace(const spec::Spec& spec) {
    if (spec.linuxSection)
        for (const auto& ns : spec.linuxSection->namespaces)
            if (ns.type == "user") return true;
    return false;
}

// The directories a cgroup with no cgroupsPath would be made in: the runtime's own cgroup in
// each controller hierarchy (v1: /sys/fs/cgroup/CONTROLLER/OWN; pure v2: /sys/fs/cgroup/OWN).
std::vector<std::string> default_cgroup_parents() {
    std::vector<std::string> dirs;
    const bool unified_only = host::cgroup_mode() == host::CgroupMode::Unified;
    for (const host::CgroupMembership& m : host::read_proc_cgroup()) {
        if (m.controllers_field.empty()) {
            if (unified_only) dirs.push_back(std::string(host::kCgroupRoot) + m.path);
            continue;  // hybrid: the v1 driver's limits live in the controller hierarchies
        }
        for (const std::string& name : m.controllers)
            if (name.rfind("name=", 0) != 0) dirs.push_back(std::string(host::kCgroupRoot) + "/" + name + m.path);
    }
    return dirs;
}

bool user_can_create_default_cgroup() {
    for (const std::string& dir : default_cgroup_parents())
        if (::access(dir.c_str(), W_OK) == 0) return true;
    return false;
}

// The first linux.resources field that needs a cgroup, with runc's controller name; devices
// are not one of them (runc ignores the device controller rootless).
std::optional<std::pair<std::string, std::string>> first_limit(const spec::LinuxResources& r) {
    if (r.memory) return std::pair{"memory", "memory"};
    if (r.cpu) return std::pair{"cpu", "cpu"};
    if (r.pids) return std::pair{"pids", "pids"};
    if (r.blockIO) return std::pair{"blockIO", "blkio"};
    if (!r.hugepageLimits.empty()) return std::pair{"hugepageLimits", "hugetlb"};
    if (r.network) return std::pair{"network", "net_cls"};
    if (!r.rdma.empty()) return std::pair{"rdma", "rdma"};
    if (!r.unified.empty()) return std::pair{"unified", "unified"};
    return std::nullopt;
}

}  // namespace

bool rootless_by_default() { return ::geteuid() != 0 || host::running_in_user_namespace(); }

bool choose_rootless(std::optional<bool> flag) { return flag ? *flag : rootless_by_default(); }

void check_unprivileged_spec(const spec::Spec& spec) {
    if (::geteuid() == 0) return;
    if (!has_user_namespace(spec))
        throw InvalidConfig::in_file("config.json", "linux.namespaces", "rootless container requires user namespaces");
    if (spec.process && !spec.process->user.additionalGids.empty())
        throw InvalidConfig::in_file("config.json", "process.user.additionalGids",
                                     "cannot set any additional groups in a rootless container");
}

bool runs_without_cgroup(const spec::Spec& spec, const plugin::HostContext& host) {
    if (!host.rootless) return false;
    const spec::Linux* lx = spec.linuxSection ? &*spec.linuxSection : nullptr;
    if (lx && !lx->cgroupsPath.empty()) return false;
    if (user_can_create_default_cgroup()) return false;
    if (lx && lx->resources)
        if (auto limit = first_limit(*lx->resources))
            throw InvalidConfig::in_file("config.json", "linux.resources." + limit->first, "cannot set " + limit->second +
                        " limit: container could not join or create cgroup (a rootless container gets a cgroup "
                        "only where its user may create one: set linux.cgroupsPath to a cgroup delegated to it)");
    log::debug("rootless: the user cannot create a cgroup and no limit is set: the container gets no cgroup");
    return true;
}

}  // namespace ocirun::container

namespace ocirun {
bool running_in_user_namespace() { return host::running_in_user_namespace(); }
}  // namespace ocirun
