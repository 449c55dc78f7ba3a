// One plugin file opened with Boost.DLL: the ABI check, the factory call and the checks on what
// the plugin says it is. The library outlives the object it created (member order matters).
#pragma once

#include <boost/dll/shared_library.hpp>
#include <memory>

#include "plugin/plugin_search.hpp"

namespace ocirun::plugin_detail {

class LoadedPlugin {
public:
    // dlopen `file.path`, refuse an ABI mismatch before calling any C++ code, create the plugin
    // object and check that info() matches the file name. Throws ocirun::Error naming the path.
    explicit LoadedPlugin(const PluginFile& file);
    ~LoadedPlugin();
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;

    plugin::Plugin& object() { return *object_; }
    const plugin::Info& info() const { return info_; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    boost::dll::shared_library library_;     // declared before object_: destroyed after it
    std::unique_ptr<plugin::Plugin> object_;
    plugin::Info info_;
};

}  // namespace ocirun::plugin_detail
