// The v1 driver's controllers (the interface is cgroups-common's Controller): the list in the
// order runc applies them, and the factories of the controllers only v1 has.
#pragma once

#include <memory>
#include <vector>

#include "controller.hpp"  // cgroups-common: the Controller interface

namespace ocirun::cgroups::v1 {

namespace fs = std::filesystem;
using cgroups::Controller;

// Every controller this driver knows, in the order runc applies them.
const std::vector<std::unique_ptr<Controller>>& all_controllers();

std::unique_ptr<Controller> make_devices_controller();
std::unique_ptr<Controller> make_memory_controller();
std::unique_ptr<Controller> make_cpu_controller();
std::unique_ptr<Controller> make_cpuacct_controller();
std::unique_ptr<Controller> make_blkio_controller();
std::unique_ptr<Controller> make_net_cls_controller();
std::unique_ptr<Controller> make_net_prio_controller();
std::unique_ptr<Controller> make_freezer_controller();

}  // namespace ocirun::cgroups::v1
