#include "plugin/plugin_library.hpp"

#include <dlfcn.h>

#include <string>

#include "ocirun/error.hpp"

namespace ocirun::plugin_detail {
namespace {

constexpr const char* kAbiSymbol = "ocirun_plugin_abi_version";
constexpr const char* kFactorySymbol = "ocirun_plugin_create";

// RTLD_NOW rather than lazy binding: a plugin with an unresolved function symbol (built against
// a newer library than the host has, or linked without -z defs) then fails here with dlerror's
// "undefined symbol: ..." instead of killing the process when that function is first called.
// RTLD_LOCAL keeps one plugin's symbols (and its libraries') from resolving another plugin's.
constexpr auto kLoadMode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;

}  // namespace

LoadedPlugin::LoadedPlugin(const PluginFile& file) : path_(file.path) {
    const std::string where = "plugin " + path_.string();

    boost::dll::fs::error_code ec;
    ::dlerror();  // clear any stale message so the one below is this dlopen's
    library_.load(path_, kLoadMode, ec);
    if (ec || !library_.is_loaded()) {
        const char* why = ::dlerror();
        throw Error(where + ": cannot be loaded: " + (why ? why : ec.message()));
    }

    // The ABI check reads a plain C variable: no C++ code of the plugin has run yet.
    if (!library_.has(kAbiSymbol))
        throw Error(where + ": does not export " + kAbiSymbol +
                    " (not an ocirun plugin, or built without OCIRUN_PLUGIN())");
    const std::uint32_t abi = library_.get<const std::uint32_t>(kAbiSymbol);
    if (abi != OCIRUN_PLUGIN_ABI_VERSION)
        throw Error(where + ": built for plugin ABI " + std::to_string(abi) + ", this ocirun needs ABI " +
                    std::to_string(OCIRUN_PLUGIN_ABI_VERSION) + "; rebuild it against this ocirun's SDK");

    // Never unmapped once accepted: an exception the plugin throws carries a vtable (and what()
    // text) in the plugin's image, and it may still be in flight, or caught and printed, after
    // the registry that owns the plugin has been destroyed during unwinding. The CLI process is
    // short-lived, so keeping the mapping until exit costs nothing.
    if (!::dlopen(path_.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) {
        const char* why = ::dlerror();
        throw Error(where + ": cannot be pinned in memory: " + (why ? why : "dlopen failed"));
    }

    if (!library_.has(kFactorySymbol))
        throw Error(where + ": does not export the factory " + kFactorySymbol + " (built without OCIRUN_PLUGIN()?)");
    auto& create = library_.get_alias<plugin::Plugin*()>(kFactorySymbol);

    try {
        object_.reset(create());
        if (!object_) throw Error("the factory returned null");
        info_ = object_->info();
    } catch (const std::exception& e) {
        throw Error(where + ": failed to initialise: " + e.what());
    }

    if (info_.kind != file.kind || info_.name != file.name)
        throw Error(where + ": reports itself as " + plugin::kind_name(info_.kind) + " \"" + info_.name +
                    "\" but its file name says " + plugin::kind_name(file.kind) + " \"" + file.name +
                    "\" (expected file name " + plugin_file_name(info_.kind, info_.name) + ")");
}

LoadedPlugin::~LoadedPlugin() {
    object_.reset();  // plugin code first, then the library that holds it (library_'s destructor)
}

}  // namespace ocirun::plugin_detail
