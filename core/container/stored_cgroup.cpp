#include "container/stored_cgroup.hpp"

namespace ocirun::container {

std::unique_ptr<plugin::Cgroup> open_stored_cgroup(const state::StoredState& stored,
                                                   PluginRegistry& plugins,
                                                   const plugin::HostContext& host) {
    if (stored.cgroup_driver.empty()) return nullptr;
    auto& loaded = plugins.load(stored.cgroup_driver, plugin::Kind::CgroupDriver);
    auto* driver = dynamic_cast<plugin::CgroupDriver*>(&loaded);
    if (driver == nullptr)
        throw Error("plugin \"" + stored.cgroup_driver + "\" recorded for container " + stored.id +
                    " is not a cgroup driver");
    return driver->open(stored.cgroup_saved, host);
}

}  // namespace ocirun::container
