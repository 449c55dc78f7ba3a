// A cgroup driver's part of `ocirun features`: the runtime-spec's linux.cgroup booleans for the
// version it drives, and an annotation naming exactly the controllers it applies
// ("io.github.ocirun.cgroups-v1.controllers": "cpuset,devices,memory,...").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "controller.hpp"

namespace ocirun::cgroups {

// `version_key` is "v1" or "v2"; `driver` the plugin name; `also` names handled outside the
// controller list (v2: "devices" through eBPF, "freezer" through cgroup.freeze).
std::string driver_features_json(const char* version_key, const std::string& driver,
                                 const std::vector<std::unique_ptr<Controller>>& controllers,
                                 const std::vector<std::string>& also);

}  // namespace ocirun::cgroups
