// Where plugin files are looked for and how their file names map to kind and name.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun::plugin_detail {

struct PluginFile {
    plugin::Kind kind{};
    std::string name;
    std::filesystem::path path;
};

// "<kind>.<name>.so" -> kind and name; std::nullopt for any other file name.
std::optional<PluginFile> parse_plugin_file_name(const std::filesystem::path& path);

// The file name a plugin of this kind and name must have.
std::string plugin_file_name(plugin::Kind kind, const std::string& name);

// The built-in defaults: <dir of the running binary>/OCIRUN_PLUGIN_RELATIVE_DIR, then
// OCIRUN_PLUGIN_INSTALL_DIR (duplicates dropped).
std::vector<std::filesystem::path> default_plugin_dirs();

// $OCIRUN_PLUGIN_PATH entries, then `config_dir` (if not empty), then `defaults`; the first
// occurrence of a directory is kept.
std::vector<std::filesystem::path> plugin_search_dirs(const std::string& config_dir,
                                                      const std::vector<std::filesystem::path>& defaults);

// Every plugin file in `dirs`; for each kind and name only the first one found (dirs in order,
// file names sorted within a dir). Missing or unreadable dirs are skipped.
std::vector<PluginFile> find_plugin_files(const std::vector<std::filesystem::path>& dirs);

// "d1, d2, d3" for error messages.
std::string join_dirs(const std::vector<std::filesystem::path>& dirs);

}  // namespace ocirun::plugin_detail
