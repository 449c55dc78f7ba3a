// What a Container handle carries between calls: where its state lives, the plugins to reopen
// its cgroup with, and whether this process is the init's parent (the only one that may wait).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"
#include "plugin/registry.hpp"
#include "state/state_store.hpp"
#include "util/unique_fd.hpp"

namespace ocirun {

struct ContainerRecord {
    std::filesystem::path root;                   // --root
    std::string id;
    std::shared_ptr<PluginRegistry> plugins;      // shared with the Runtime that made it
    plugin::HostContext host;
    bool is_parent = false;                       // this process cloned the init
    state::StoredState cached;                    // last state.json seen (for id/init_pid)
    // The bundle's hooks, when this process created the container (`run`): start and delete
    // then need not parse the stored config.json copy again. Else read from that copy.
    std::optional<spec::Hooks> hooks;
    // CreateOptions::start_after_create: the parent end of the init's sync socket, which start()
    // sends kStart on (no exec fifo then).
    UniqueFd start_socket;
};

}  // namespace ocirun
