// One cgroup controller, for either driver (youki's libcgroups model: one interface, one file
// per controller): how it validates and applies its part of linux.resources to its directory,
// and what it adds to `events --stats`. Controllers whose files are the same on v1 and v2
// (pids, rdma) or differ only in names (hugetlb, cpuset) live here once, parameterised by version;
// the drivers hold the rest.
#pragma once

#include <filesystem>
#include <memory>

#include "ocirun/spec.hpp"
#include "stats_json.hpp"

namespace ocirun::cgroups {

namespace fs = std::filesystem;

enum class CgroupVersion { V1, V2 };

class Controller {
public:
    virtual ~Controller() = default;
    // As in /proc/self/mountinfo (v1) or cgroup.controllers (v2): "memory", "net_cls".
    virtual const char* name() const = 0;
    // The spec field it serves, for errors ("linux.resources.memory").
    virtual const char* field() const = 0;
    // Whether `r` sets anything this controller must write.
    virtual bool wants(const spec::LinuxResources& r) const = 0;
    // Checks that need no directory (ranges, supported page sizes). Throws naming the field.
    virtual void validate(const spec::LinuxResources&) const {}
    // Called on the container's directory in the hierarchy once it exists, before any process
    // joins (v1 cpuset: a cpuset is unusable until it and its ancestors have cpus and mems).
    virtual void prepare_dir(const fs::path&) const {}
    virtual void apply(const fs::path& dir, const spec::LinuxResources& r) const = 0;
    virtual void add_stats(const fs::path&, Stats&) const {}
};

std::unique_ptr<Controller> make_pids_controller();
std::unique_ptr<Controller> make_rdma_controller();
std::unique_ptr<Controller> make_hugetlb_controller(CgroupVersion version);
std::unique_ptr<Controller> make_cpuset_controller(CgroupVersion version);

}  // namespace ocirun::cgroups
