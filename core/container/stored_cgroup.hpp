// Reopen the cgroup recorded in a container's state.json through the driver that made it.
#pragma once

#include <memory>

#include "ocirun/plugin.hpp"
#include "plugin/registry.hpp"
#include "state/state_store.hpp"

namespace ocirun::container {

// nullptr when the container was created without a cgroup driver.
std::unique_ptr<plugin::Cgroup> open_stored_cgroup(const state::StoredState& stored,
                                                   PluginRegistry& plugins,
                                                   const plugin::HostContext& host);

}  // namespace ocirun::container
