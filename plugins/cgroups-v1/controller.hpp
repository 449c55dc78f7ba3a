// One v1 controller (youki's libcgroups model): how it validates and applies its part of
// linux.resources to its directory, and what it contributes to `events --stats`.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "ocirun/spec.hpp"
#include "stats_json.hpp"

namespace ocirun::cgroups::v1 {

namespace fs = std::filesystem;

class Controller {
public:
    virtual ~Controller() = default;
    // The controller's name as in /proc/self/mountinfo ("memory", "net_cls").
    virtual const char* name() const = 0;
    // The spec field it serves, for errors ("linux.resources.memory").
    virtual const char* field() const = 0;
    // Whether `r` sets anything this controller must write.
    virtual bool wants(const spec::LinuxResources& r) const = 0;
    // Applied on every set_resources even when nothing is set (devices: the default allow list).
    virtual bool always_apply() const { return false; }
    // Checks that need no directory (ranges, supported page sizes). Throws naming the field.
    virtual void validate(const spec::LinuxResources&) const {}
    // Called on each directory this driver creates in the hierarchy, outermost first, before any
    // process joins (cpuset: a new cpuset is unusable until cpus and mems are filled in).
    virtual void prepare_new_dir(const fs::path&) const {}
    virtual void apply(const fs::path& dir, const spec::LinuxResources& r) const = 0;
    virtual void add_stats(const fs::path&, Stats&) const {}
};

// Every controller this driver knows, in the order runc applies them.
const std::vector<std::unique_ptr<Controller>>& all_controllers();

std::unique_ptr<Controller> make_cpuset_controller();
std::unique_ptr<Controller> make_devices_controller();
std::unique_ptr<Controller> make_memory_controller();
std::unique_ptr<Controller> make_cpu_controller();
std::unique_ptr<Controller> make_cpuacct_controller();
std::unique_ptr<Controller> make_pids_controller();
std::unique_ptr<Controller> make_blkio_controller();
std::unique_ptr<Controller> make_hugetlb_controller();
std::unique_ptr<Controller> make_net_cls_controller();
std::unique_ptr<Controller> make_net_prio_controller();
std::unique_ptr<Controller> make_freezer_controller();
std::unique_ptr<Controller> make_rdma_controller();

}  // namespace ocirun::cgroups::v1
