// The v2 driver's controllers (the interface is cgroups-common's Controller), the v2-only
// factories and runc's v1->v2 conversions, exposed for tests.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "controller.hpp"  // cgroups-common: the Controller interface

namespace ocirun::cgroups::v2 {

namespace fs = std::filesystem;
using cgroups::Controller;

const std::vector<std::unique_ptr<Controller>>& all_controllers();

std::unique_ptr<Controller> make_cpu_controller();
std::unique_ptr<Controller> make_memory_controller();
std::unique_ptr<Controller> make_io_controller();

// runc's conversions, exposed for tests.
std::uint64_t cpu_shares_to_weight(std::uint64_t shares);
std::uint64_t blkio_weight_to_io_weight(std::uint64_t weight);
// memory.swap.max from the spec's memory+swap total; -1 means "max", 0 "leave unset".
std::int64_t memory_swap_to_v2(std::int64_t swap, std::int64_t limit);

}  // namespace ocirun::cgroups::v2
