// PluginRegistry: discovery on first use, one dlopen per plugin on demand, errors that say what
// was missing and where it was looked for.
#include "plugin/registry.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "ocirun/error.hpp"
#include "ocirun_host/cgroup_mode.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_search.hpp"

namespace ocirun {
namespace fs = std::filesystem;
using plugin_detail::LoadedPlugin;
using plugin_detail::PluginFile;

namespace {

// Under the state root; '~' is never part of a container id, so `list` never shows it.
constexpr const char* kSyscallFilterCacheDir = "~seccomp-cache";

// The plugin's info() kind was checked against its file name; this checks its C++ type too, so
// a plugin claiming a kind it does not implement is an error rather than a bad cast.
template <class Interface>
Interface& as_kind(plugin::Plugin& p) {
    if (auto* typed = dynamic_cast<Interface*>(&p)) return *typed;
    const plugin::Info info = p.info();
    throw Error("plugin \"" + info.name + "\" reports kind " + plugin::kind_name(info.kind) +
                " but does not implement that kind's interface");
}

}  // namespace

struct PluginRegistry::Impl {
    RuntimeConfig config;
    plugin::HostContext host;
    std::vector<fs::path> dirs;

    std::optional<std::vector<PluginFile>> files;  // discovery runs once, on first need
    std::vector<PluginEntry> entries;               // discovered(), parallel to *files

    // Loaded plugins by (kind, name); unique_ptr keeps references stable. Destroyed before
    // anything else that could hold plugin objects is gone: the registry owns them all.
    std::map<std::pair<plugin::Kind, std::string>, std::unique_ptr<LoadedPlugin>> loaded;
    std::vector<std::string> load_order;
    bool filter_cache_dir_given = false;

    const std::vector<PluginFile>& discover() {
        if (!files) {
            files = plugin_detail::find_plugin_files(dirs);
            for (const auto& f : *files)
                entries.push_back(PluginEntry{f.name, f.kind, f.path, {}, "available", {}, {}});
        }
        return *files;
    }

    bool is_disabled(const std::string& name) const {
        return std::find(config.disabled.begin(), config.disabled.end(), name) != config.disabled.end();
    }

    std::string disabled_message(const std::string& name) const {
        const std::string by = config.source.empty() ? std::string("the runtime configuration")
                                                      : config.source.string();
        return "plugin \"" + name + "\" is disabled by " + by;
    }

    static std::string needed_by_text(const std::string& needed_by) {
        return needed_by.empty() ? std::string() : " (needed by " + needed_by + ")";
    }

    const PluginFile* find(plugin::Kind kind, const std::string& name) {
        for (const auto& f : discover())
            if (f.kind == kind && f.name == name) return &f;
        return nullptr;
    }

    plugin::Plugin& open(const PluginFile& file) {
        auto key = std::make_pair(file.kind, file.name);
        if (auto it = loaded.find(key); it != loaded.end()) return it->second->object();
        auto plugin = std::make_unique<LoadedPlugin>(file);
        load_order.push_back(file.name);
        return loaded.emplace(std::move(key), std::move(plugin)).first->second->object();
    }

    plugin::Plugin& load_named(const std::string& name, plugin::Kind kind, const std::string& needed_by) {
        if (is_disabled(name)) throw Error(disabled_message(name));
        const PluginFile* file = find(kind, name);
        if (!file)
            throw Error(std::string("no ") + plugin::kind_name(kind) + " plugin \"" + name + "\" (" +
                        plugin_detail::plugin_file_name(kind, name) + ") found" + needed_by_text(needed_by) +
                        "; searched: " + plugin_detail::join_dirs(dirs));
        return open(*file);
    }

    // The first enabled plugin of `kind` in search order.
    plugin::Plugin& load_first_of_kind(plugin::Kind kind, const std::string& needed_by) {
        const PluginFile* disabled = nullptr;
        for (const auto& f : discover()) {
            if (f.kind != kind) continue;
            if (!is_disabled(f.name)) return open(f);
            if (!disabled) disabled = &f;
        }
        if (disabled) throw Error(disabled_message(disabled->name));
        throw Error(std::string("no ") + plugin::kind_name(kind) + " plugin found" + needed_by_text(needed_by) +
                    "; searched: " + plugin_detail::join_dirs(dirs));
    }
};

PluginRegistry::PluginRegistry(RuntimeConfig config, plugin::HostContext host)
    : PluginRegistry(std::move(config), host, plugin_detail::default_plugin_dirs()) {}

PluginRegistry::PluginRegistry(RuntimeConfig config, plugin::HostContext host, std::vector<fs::path> default_dirs)
    : impl_(std::make_unique<Impl>()) {
    impl_->dirs = plugin_detail::plugin_search_dirs(config.plugin_dir, default_dirs);
    impl_->config = std::move(config);
    impl_->host = host;
}

PluginRegistry::~PluginRegistry() = default;

const std::vector<PluginEntry>& PluginRegistry::discovered() {
    impl_->discover();
    return impl_->entries;
}

std::vector<PluginEntry> PluginRegistry::inspect_all() {
    impl_->discover();
    std::vector<PluginEntry> out;
    for (std::size_t i = 0; i < impl_->files->size(); ++i) {
        const PluginFile& file = (*impl_->files)[i];
        PluginEntry entry = impl_->entries[i];
        if (impl_->is_disabled(file.name)) {
            entry.status = "disabled";
        } else {
            try {
                plugin::Plugin& p = impl_->open(file);
                const plugin::Info info = p.info();
                entry.version = info.version;
                entry.description = info.description;
                entry.unavailable_reason = p.unavailable_reason(impl_->host);
                entry.status = "loaded";
            } catch (const std::exception& e) {
                entry.status = std::string("error: ") + e.what();
            }
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::string PluginRegistry::cgroup_driver_name() const {
    // --systemd-cgroup names the systemd driver; a config file naming another one is a conflict
    // the administrator must resolve, never settled silently.
    if (impl_->host.systemd_cgroup) {
        const std::string& configured = impl_->config.cgroup_driver;
        if (!configured.empty() && configured != host::kSystemdCgroupDriver)
            throw Error("--systemd-cgroup conflicts with \"cgroupDriver\": \"" + configured + "\" in " +
                        (impl_->config.source.empty() ? std::string("the runtime configuration")
                                                      : impl_->config.source.string()));
        return host::kSystemdCgroupDriver;
    }
    if (!impl_->config.cgroup_driver.empty()) return impl_->config.cgroup_driver;
    return host::cgroup_driver_for(host::cgroup_mode());  // "" on a host without cgroups
}

plugin::CgroupDriver& PluginRegistry::cgroup_driver(const std::string& needed_by) {
    if (impl_->config.runs_without_cgroups() && !impl_->host.systemd_cgroup) {
        const std::string by = impl_->config.source.empty() ? std::string("the runtime configuration")
                                                             : impl_->config.source.string();
        throw Error("no cgroup driver: cgroups are turned off by " + by + " (\"cgroupDriver\": \"none\")" +
                    Impl::needed_by_text(needed_by));
    }
    const std::string name = cgroup_driver_name();
    if (name.empty())  // runc refuses such a host too (it cannot statfs the cgroup root)
        throw Error(std::string(host::kNoCgroupFilesystem) + Impl::needed_by_text(needed_by), ErrorKind::HostUnsupported);
    return as_kind<plugin::CgroupDriver>(impl_->load_named(name, plugin::Kind::CgroupDriver, needed_by));
}

plugin::CgroupDriver* PluginRegistry::cgroup_driver_if_available() {
    if (impl_->config.runs_without_cgroups() && !impl_->host.systemd_cgroup) return nullptr;
    const std::string name = cgroup_driver_name();
    if (!name.empty() && !impl_->is_disabled(name) && !impl_->find(plugin::Kind::CgroupDriver, name)) return nullptr;
    return &cgroup_driver();
}

plugin::SyscallFilter& PluginRegistry::syscall_filter(const std::string& needed_by) {
    auto& filter = as_kind<plugin::SyscallFilter>(impl_->load_first_of_kind(plugin::Kind::SyscallFilter, needed_by));
    // Compiled filters are cached per state root; told once, right after the load.
    if (!impl_->filter_cache_dir_given && !impl_->host.state_root.empty()) {
        filter.set_cache_dir((fs::path(impl_->host.state_root) / kSyscallFilterCacheDir).string());
        impl_->filter_cache_dir_given = true;
    }
    return filter;
}

plugin::Lsm& PluginRegistry::lsm(const std::string& name, const std::string& needed_by) {
    return as_kind<plugin::Lsm>(impl_->load_named(name, plugin::Kind::Lsm, needed_by));
}

plugin::Lsm& PluginRegistry::lsm_for(const std::string& field) {
    plugin::Lsm* fallback = nullptr;
    for (const auto& f : impl_->discover()) {
        if (f.kind != plugin::Kind::Lsm || impl_->is_disabled(f.name)) continue;
        auto& lsm = as_kind<plugin::Lsm>(impl_->open(f));
        const auto fields = lsm.fields();
        if (std::find(fields.begin(), fields.end(), field) == fields.end()) continue;
        if (lsm.unavailable_reason(impl_->host).empty()) return lsm;
        if (!fallback) fallback = &lsm;
    }
    if (fallback) return *fallback;
    throw Error(field + ": no lsm plugin found that applies it; searched: " +
                plugin_detail::join_dirs(impl_->dirs));
}

plugin::Checkpointer& PluginRegistry::checkpointer(const std::string& needed_by) {
    return as_kind<plugin::Checkpointer>(impl_->load_first_of_kind(plugin::Kind::Checkpointer, needed_by));
}

plugin::Plugin& PluginRegistry::load(const std::string& name, plugin::Kind kind, const std::string& needed_by) {
    return impl_->load_named(name, kind, needed_by);
}

std::vector<std::string> PluginRegistry::loaded_names() const { return impl_->load_order; }

const plugin::HostContext& PluginRegistry::host() const { return impl_->host; }

const std::vector<fs::path>& PluginRegistry::search_dirs() const { return impl_->dirs; }

const RuntimeConfig& PluginRegistry::config() const { return impl_->config; }

}  // namespace ocirun
