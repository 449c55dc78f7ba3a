// RuntimeConfig: /etc/ocirun/ocirun.json (or $OCIRUN_CONFIG). Strict: unknown keys are errors so
// that a typo ("pluginsDir") does not silently fall back to defaults.
#include <boost/json.hpp>
#include <cstdlib>

#include "ocirun/error.hpp"
#include "plugin/registry.hpp"
#include "util/file_io.hpp"

namespace ocirun {
namespace {

constexpr const char* kDefaultConfigPath = "/etc/ocirun/ocirun.json";

std::string quoted_path(const std::filesystem::path& p) { return p.string(); }

std::string require_string(const boost::json::value& v, const std::filesystem::path& source,
                           const std::string& key) {
    if (!v.is_string())
        throw Error(quoted_path(source) + ": \"" + key + "\" must be a string");
    return std::string(v.get_string());
}

}  // namespace

std::filesystem::path RuntimeConfig::default_path() {
    const char* env = std::getenv("OCIRUN_CONFIG");
    if (env && *env) return env;
    return kDefaultConfigPath;
}

RuntimeConfig RuntimeConfig::load() { return load_file(default_path()); }

RuntimeConfig RuntimeConfig::load_file(const std::filesystem::path& path) {
    auto text = fileio::read_file_if_exists(path);
    if (!text) return {};  // no config file: every default applies
    return parse(*text, path);
}

RuntimeConfig RuntimeConfig::parse(std::string_view json_text, const std::filesystem::path& source) {
    boost::system::error_code ec;
    boost::json::value root = boost::json::parse(json_text, ec);
    if (ec) throw Error(quoted_path(source) + ": invalid JSON: " + ec.message());
    if (!root.is_object()) throw Error(quoted_path(source) + ": must contain a JSON object");

    RuntimeConfig config;
    config.source = source;
    for (const auto& [key_sv, value] : root.get_object()) {
        const std::string key(key_sv);
        if (key == "pluginDir") {
            config.plugin_dir = require_string(value, source, key);
            if (!config.plugin_dir.empty() && config.plugin_dir.front() != '/')
                throw Error(quoted_path(source) + ": \"pluginDir\" must be an absolute path, got \"" +
                            config.plugin_dir + "\"");
        } else if (key == "disabledPlugins") {
            if (!value.is_array())
                throw Error(quoted_path(source) + ": \"disabledPlugins\" must be an array of plugin names");
            const auto& names = value.get_array();
            for (std::size_t i = 0; i < names.size(); ++i)
                config.disabled.push_back(
                    require_string(names[i], source, "disabledPlugins[" + std::to_string(i) + "]"));
        } else if (key == "cgroupDriver") {
            config.cgroup_driver = require_string(value, source, key);
        } else {
            throw Error(quoted_path(source) + ": unknown key \"" + key +
                        "\" (known keys: pluginDir, disabledPlugins, cgroupDriver)");
        }
    }
    return config;
}

}  // namespace ocirun
