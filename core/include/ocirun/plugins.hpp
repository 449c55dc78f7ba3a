// ocirun/plugins.hpp — finds, loads (lazily, with Boost.DLL) and hands out plugins.
//
// Plugin files are named <kind>.<name>.so (cgroup-driver.cgroups-v1.so, syscall-filter.seccomp.so).
// Search order: $OCIRUN_PLUGIN_PATH (colon-separated dirs), then "pluginDir" of the config file
// (/etc/ocirun/ocirun.json, or $OCIRUN_CONFIG), then the directory relative to the running binary
// (<dir of /proc/self/exe>/../lib/ocirun/plugins, same in the build tree and after install), then
// the compiled-in install dir. The first file found for a kind and name wins.
//
// Nothing is dlopened until a getter asks for it: a container that needs no seccomp never loads
// the seccomp plugin (loaded_names() shows what was loaded). Before any C++ code of a plugin runs,
// its plain C variable ocirun_plugin_abi_version must equal OCIRUN_PLUGIN_ABI_VERSION.
//
// Lifetime: a library, once accepted, is never unmapped (plugin_library.cpp pins it with
// RTLD_NODELETE): an exception it threw may still be in flight when the registry is destroyed.
// The plugin objects are owned by the registry, so objects a plugin created (a Cgroup from
// CgroupDriver::create(), anything returned by pointer or reference) must still be destroyed
// before the registry is: their plugin's state goes with it. Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun {

// /etc/ocirun/ocirun.json, documented in docs/plugins.md.
struct RuntimeConfig {
    std::string plugin_dir;                    // "pluginDir"
    std::vector<std::string> disabled;         // "disabledPlugins": names
    std::string cgroup_driver;                 // "cgroupDriver": plugin name, "" (= auto) or "none"
    // "cgroupDriver": "none": the administrator's explicit choice to run containers without a
    // cgroup (no resource limits, no device cgroup). Anything else needs a driver to create one.
    static constexpr const char* kNoCgroups = "none";
    bool runs_without_cgroups() const { return cgroup_driver == kNoCgroups; }
    static RuntimeConfig load();               // from $OCIRUN_CONFIG or /etc/ocirun/ocirun.json

    // The file this config was read from (named in errors); empty when built in code or when
    // the file did not exist.
    std::filesystem::path source;
    // Read one file: a missing file gives the defaults; malformed JSON, an unknown key or a value
    // of the wrong type throws ocirun::Error naming the file and the key.
    static RuntimeConfig load_file(const std::filesystem::path& path);
    // Parse config text; `source` only names the file in errors and in `source`.
    static RuntimeConfig parse(std::string_view json_text, const std::filesystem::path& source);
    // Where load() reads from: $OCIRUN_CONFIG if set and not empty, else /etc/ocirun/ocirun.json.
    static std::filesystem::path default_path();
};

struct PluginEntry {
    std::string name;
    plugin::Kind kind{};
    std::filesystem::path path;
    std::string version;  // empty until loaded
    std::string status;   // "available", "loaded", "disabled", "error: ..."
    std::string description;         // from info(), empty until loaded
    std::string unavailable_reason;  // from unavailable_reason(host) once loaded; "" = usable here
};

class PluginRegistry {
public:
    PluginRegistry(RuntimeConfig config, plugin::HostContext host);
    // As above, but `default_dirs` replaces the built-in defaults (the binary-relative and install
    // dirs) at the end of the search order. For tests and programs embedding libocirun.
    PluginRegistry(RuntimeConfig config, plugin::HostContext host,
                   std::vector<std::filesystem::path> default_dirs);
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Every plugin file found, without loading any.
    const std::vector<PluginEntry>& discovered();
    // Load every discovered plugin (for `ocirun plugins` and `features`) and report status.
    // Never throws for a broken plugin: its status says "error: ...".
    std::vector<PluginEntry> inspect_all();

    // Lazily loaded plugins. Each throws ocirun::Error naming the plugin and the directories
    // searched when it is missing, disabled, broken or ABI-mismatched. `needed_by` names what
    // asked for it (a bundle field such as "linux.seccomp", or a command) for the error message.
    //
    // cgroup_driver(): the config's "cgroupDriver", else "cgroups-v2" when /sys/fs/cgroup is a
    // cgroup2 mount, else "cgroups-v1" (also on hybrid hosts). syscall_filter()/checkpointer():
    // the first plugin of that kind in search order that is not disabled. syscall_filter() also
    // gives the plugin its compiled-filter cache dir, <host.state_root>/~seccomp-cache, once.
    plugin::CgroupDriver& cgroup_driver(const std::string& needed_by = {});
    plugin::SyscallFilter& syscall_filter(const std::string& needed_by = {});
    // The lsm plugin of that name (tests, and whoever must have that very plugin).
    plugin::Lsm& lsm(const std::string& name, const std::string& needed_by = {});
    // The lsm plugin for a config.json field ("process.apparmorProfile"): the first enabled one in
    // search order whose fields() name it and that is usable on this host, else the first one
    // naming it (its validate() refuses with the host's reason). Plugins of kind lsm are loaded
    // in search order until one fits. Throws when no plugin serves the field.
    plugin::Lsm& lsm_for(const std::string& field);
    plugin::Checkpointer& checkpointer(const std::string& needed_by = {});

    // Like cgroup_driver(), but nullptr instead of throwing when no driver is installed or the
    // config says "cgroupDriver": "none" (a driver that is present but broken or disabled
    // still throws). Whether running without one is acceptable is the caller's decision.
    plugin::CgroupDriver* cgroup_driver_if_available();
    // The named plugin, loaded (for reopening a container with its recorded driver).
    plugin::Plugin& load(const std::string& name, plugin::Kind kind, const std::string& needed_by = {});

    // Names of plugins dlopened so far in this process (tests assert laziness with this).
    std::vector<std::string> loaded_names() const;
    const plugin::HostContext& host() const;

    // The directories searched, in order (nonexistent ones included).
    const std::vector<std::filesystem::path>& search_dirs() const;
    // The cgroup-driver name cgroup_driver() would load: the config's, else the one for this
    // host's cgroup mode; "" on a host without a cgroup filesystem (cgroup_driver() refuses it).
    std::string cgroup_driver_name() const;
    // The runtime configuration this registry was made from.
    const RuntimeConfig& config() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocirun
