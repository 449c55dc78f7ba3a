// One cgroup v2 controller: how it applies its part of linux.resources (with runc's v1->v2
// conversions) to the container's single directory, and its part of `events --stats`.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "ocirun/spec.hpp"
#include "stats_json.hpp"

namespace ocirun::cgroups::v2 {

namespace fs = std::filesystem;

class Controller {
public:
    virtual ~Controller() = default;
    virtual const char* name() const = 0;   // as listed in cgroup.controllers
    virtual const char* field() const = 0;  // "linux.resources.memory"
    virtual bool wants(const spec::LinuxResources& r) const = 0;
    virtual void validate(const spec::LinuxResources&) const {}
    virtual void apply(const fs::path& dir, const spec::LinuxResources& r) const = 0;
    virtual void add_stats(const fs::path&, Stats&) const {}
};

const std::vector<std::unique_ptr<Controller>>& all_controllers();

std::unique_ptr<Controller> make_cpu_controller();
std::unique_ptr<Controller> make_cpuset_controller();
std::unique_ptr<Controller> make_memory_controller();
std::unique_ptr<Controller> make_pids_controller();
std::unique_ptr<Controller> make_io_controller();
std::unique_ptr<Controller> make_hugetlb_controller();

// runc's conversions, exposed for tests.
std::uint64_t cpu_shares_to_weight(std::uint64_t shares);
std::uint64_t blkio_weight_to_io_weight(std::uint64_t weight);
// memory.swap.max from the spec's memory+swap total; -1 means "max", 0 "leave unset".
std::int64_t memory_swap_to_v2(std::int64_t swap, std::int64_t limit);

}  // namespace ocirun::cgroups::v2
