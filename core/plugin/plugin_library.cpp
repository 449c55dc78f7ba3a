#include "plugin/plugin_library.hpp"

#include <dlfcn.h>

#include <cstring>
#include <string>

#include "ocirun/error.hpp"
#include "plugin/elf_symbol_reader.hpp"
#include "plugin/plugin_descriptor_check.hpp"

namespace ocirun::plugin_detail {
namespace {

constexpr const char* kDescriptorSymbol = "ocirun_plugin_descriptor";
constexpr const char* kLegacyAbiSymbol = "ocirun_plugin_abi_version";  // ABI 8 and older
constexpr const char* kFactorySymbol = "ocirun_plugin_create";

// RTLD_NOW rather than lazy binding: a plugin with an unresolved function symbol (built against
// a newer library than the host has, or linked without -z defs) then fails here with dlerror's
// "undefined symbol: ..." instead of killing the process when that function is first called.
// RTLD_LOCAL keeps one plugin's symbols (and its libraries') from resolving another plugin's.
constexpr auto kLoadMode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;

// Every assumption the plugin was built under, read from its file before it is mapped: dlopen()
// would already run its static constructors (C++ code of another C++ library, perhaps).
// A file that is not an ELF file of this machine is left to dlopen() to describe.
void check_before_loading(const std::filesystem::path& path, const std::string& where) {
    const auto descriptor = read_elf_dynamic_symbol(path, kDescriptorSymbol);
    if (!descriptor) return;
    if (!descriptor->bytes.empty()) {
        check_plugin_descriptor(descriptor->bytes, where);
        return;
    }
    const auto legacy = read_elf_dynamic_symbol(path, kLegacyAbiSymbol);
    if (legacy && legacy->bytes.size() == sizeof(std::uint32_t)) {
        std::uint32_t abi = 0;
        std::memcpy(&abi, legacy->bytes.data(), sizeof abi);
        throw Error(where + ": built for plugin ABI " + std::to_string(abi) + ", this ocirun needs ABI " +
                    std::to_string(OCIRUN_PLUGIN_ABI_VERSION) + "; rebuild it against this ocirun's SDK");
    }
    throw Error(where + ": does not export " + kDescriptorSymbol +
                " (not an ocirun plugin, or built without OCIRUN_PLUGIN())");
}

}  // namespace

LoadedPlugin::LoadedPlugin(const PluginFile& file) : path_(file.path) {
    const std::string where = "plugin " + path_.string();
    check_before_loading(path_, where);

    boost::dll::fs::error_code ec;
    ::dlerror();  // clear any stale message so the one below is this dlopen's
    library_.load(path_, kLoadMode, ec);
    if (ec || !library_.is_loaded()) {
        const char* why = ::dlerror();
        throw Error(where + ": cannot be loaded: " + (why ? why : ec.message()));
    }

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
