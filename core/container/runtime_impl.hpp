// Runtime's private state, shared by runtime.cpp (create, open, list) and restore.cpp.
#pragma once

#include <unistd.h>

#include <memory>

#include "container/container_record.hpp"
#include "container/rootless.hpp"
#include "ocirun/ocirun.hpp"
#include "plugin/registry.hpp"
#include "state/state_store.hpp"

namespace ocirun {

struct Runtime::Impl {
    RuntimeOptions opts;
    plugin::HostContext host;
    std::shared_ptr<PluginRegistry> plugins;
    state::StateStore store;

    explicit Impl(RuntimeOptions o)
        : opts(std::move(o)),
          host{container::choose_rootless(opts.rootless), opts.systemd_cgroup, opts.debug, opts.root},
          plugins(std::make_shared<PluginRegistry>(RuntimeConfig::load(), host)),
          store(opts.root) {}

    std::unique_ptr<ContainerRecord> record(const std::string& id, bool is_parent) const {
        auto r = std::make_unique<ContainerRecord>();
        r->root = opts.root;
        r->id = id;
        r->plugins = plugins;
        r->host = host;
        r->is_parent = is_parent;
        return r;
    }
};

}  // namespace ocirun
