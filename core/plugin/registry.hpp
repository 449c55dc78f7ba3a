// Finds, loads (lazily, with Boost.DLL) and hands out plugins.
//
// Search order for plugin files: $OCIRUN_PLUGIN_PATH (colon-separated dirs), then "pluginDir" of
// the config file (/etc/ocirun/ocirun.json, or $OCIRUN_CONFIG), then the compiled-in install dir.
// The first file found for a plugin name wins. Nothing is dlopened until asked for: a container
// that needs no seccomp never loads the seccomp plugin.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun {

// /etc/ocirun/ocirun.json, documented in docs/plugins.md.
struct RuntimeConfig {
    std::string plugin_dir;                    // "pluginDir"
    std::vector<std::string> disabled;         // "disabledPlugins": names
    std::string cgroup_driver;                 // "cgroupDriver": plugin name or "" (= auto)
    static RuntimeConfig load();               // from $OCIRUN_CONFIG or /etc/ocirun/ocirun.json
};

struct PluginEntry {
    std::string name;
    plugin::Kind kind{};
    std::filesystem::path path;
    std::string version;  // empty until loaded
    std::string status;   // "available", "loaded", "disabled", "error: ..."
};

class PluginRegistry {
public:
    PluginRegistry(RuntimeConfig config, plugin::HostContext host);
    ~PluginRegistry();

    // Every plugin file found, without loading any.
    const std::vector<PluginEntry>& discovered();
    // Load every discovered plugin (for `ocirun plugins` and `features`) and report status.
    std::vector<PluginEntry> inspect_all();

    // Lazily loaded plugins. Each throws ocirun::Error naming the plugin and the directories
    // searched when it is missing, disabled, broken or ABI-mismatched.
    plugin::CgroupDriver& cgroup_driver();  // config's choice, else picked from the host's cgroup mode
    plugin::SyscallFilter& syscall_filter();
    plugin::Lsm& lsm(const std::string& name);  // "apparmor" | "selinux"
    plugin::Checkpointer& checkpointer();

    // Like cgroup_driver(), but nullptr instead of throwing when no driver is installed.
    plugin::CgroupDriver* cgroup_driver_if_available();
    // The named plugin, loaded (for reopening a container with its recorded driver).
    plugin::Plugin& load(const std::string& name, plugin::Kind kind);

    // Names of plugins dlopened so far in this process (tests assert laziness with this).
    std::vector<std::string> loaded_names() const;
    const plugin::HostContext& host() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocirun
