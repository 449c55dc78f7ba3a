#include "plugin/plugin_search.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <set>
#include <utility>

namespace ocirun::plugin_detail {
namespace fs = std::filesystem;

namespace {

constexpr std::array kKinds{plugin::Kind::CgroupDriver, plugin::Kind::Lsm, plugin::Kind::SyscallFilter,
                            plugin::Kind::Checkpointer};

void add_unique(std::vector<fs::path>& dirs, const fs::path& dir) {
    if (dir.empty()) return;
    fs::path normal = dir.lexically_normal();
    // "/a/b/" and "/a/b" are the same directory.
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path())
        normal = normal.parent_path();
    if (std::find(dirs.begin(), dirs.end(), normal) == dirs.end()) dirs.push_back(std::move(normal));
}

std::optional<fs::path> running_binary_dir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return std::nullopt;
    return exe.parent_path();
}

}  // namespace

std::optional<PluginFile> parse_plugin_file_name(const fs::path& path) {
    const std::string file = path.filename().string();
    constexpr std::string_view suffix = ".so";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    const std::string stem = file.substr(0, file.size() - suffix.size());
    for (plugin::Kind kind : kKinds) {
        const std::string prefix = std::string(plugin::kind_name(kind)) + ".";
        if (stem.size() > prefix.size() && stem.compare(0, prefix.size(), prefix) == 0)
            return PluginFile{kind, stem.substr(prefix.size()), path};
    }
    return std::nullopt;
}

std::string plugin_file_name(plugin::Kind kind, const std::string& name) {
    return std::string(plugin::kind_name(kind)) + "." + name + ".so";
}

std::vector<fs::path> default_plugin_dirs() {
    std::vector<fs::path> dirs;
    if (auto bin = running_binary_dir()) add_unique(dirs, *bin / OCIRUN_PLUGIN_RELATIVE_DIR);
    add_unique(dirs, OCIRUN_PLUGIN_INSTALL_DIR);
    return dirs;
}

std::vector<fs::path> plugin_search_dirs(const std::string& config_dir, const std::vector<fs::path>& defaults) {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("OCIRUN_PLUGIN_PATH")) {
        std::string_view rest = env;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            add_unique(dirs, fs::path(std::string(rest.substr(0, colon))));
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    add_unique(dirs, config_dir);
    for (const auto& dir : defaults) add_unique(dirs, dir);
    return dirs;
}

std::vector<PluginFile> find_plugin_files(const std::vector<fs::path>& dirs) {
    std::vector<PluginFile> found;
    std::set<std::pair<plugin::Kind, std::string>> seen;
    for (const auto& dir : dirs) {
        std::error_code ec;
        std::vector<PluginFile> in_dir;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) continue;  // follows symlinks
            if (auto file = parse_plugin_file_name(it->path())) in_dir.push_back(std::move(*file));
        }
        std::sort(in_dir.begin(), in_dir.end(),
                  [](const PluginFile& a, const PluginFile& b) { return a.path.filename() < b.path.filename(); });
        for (auto& file : in_dir)
            if (seen.emplace(file.kind, file.name).second) found.push_back(std::move(file));
    }
    return found;
}

std::string join_dirs(const std::vector<fs::path>& dirs) {
    std::string out;
    for (const auto& dir : dirs) {
        if (!out.empty()) out += ", ";
        out += dir.string();
    }
    return out.empty() ? "(no directories)" : out;
}

}  // namespace ocirun::plugin_detail
