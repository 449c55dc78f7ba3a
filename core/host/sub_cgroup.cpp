#include "ocirun_host/sub_cgroup.hpp"

namespace ocirun::host {

std::optional<std::filesystem::path> sub_cgroup_dir(const std::string& dir, const std::string& sub) {
    namespace fs = std::filesystem;
    const fs::path base = fs::path(dir).lexically_normal();
    const fs::path target = (base / fs::path(sub).relative_path()).lexically_normal();
    const fs::path inside = target.lexically_relative(base);
    if (inside.empty() || *inside.begin() == "..") return std::nullopt;
    return target;
}

std::map<std::string, std::string> sub_cgroup_choices(const std::map<std::string, std::string>& paths,
                                                       const std::map<std::string, std::string>& sub_paths) {
    std::map<std::string, std::string> out;
    for (const auto& [controller, dir] : paths) {
        auto it = sub_paths.find(controller);
        if (it == sub_paths.end()) it = sub_paths.find("");  // a path without controller: all of them
        if (it != sub_paths.end()) out[dir] = it->second;
    }
    return out;
}

}  // namespace ocirun::host
