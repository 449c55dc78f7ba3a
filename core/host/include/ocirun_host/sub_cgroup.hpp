// `exec --cgroup [CONTROLLER:]PATH`: the sub-cgroups of a container's cgroup an exec'd process
// joins. The core checks the paths before it starts anything; the cgroup driver moves the
// process (plugin::Cgroup::add_process_to_sub).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace ocirun::host {

// SUB of a cgroup directory DIR: DIR/SUB (a leading "/" is still relative to DIR, as in runc),
// or nullopt when SUB leads out of DIR ("..", "a/../.."). "/" names DIR itself.
std::optional<std::filesystem::path> sub_cgroup_dir(const std::string& dir, const std::string& sub);

// For each of the container's cgroup directories (`paths`: controller, or "" for v2, -> dir),
// the sub-path of `sub_paths` (controller or "" for all -> sub-path) that applies to it:
// dir -> sub-path. Directories no sub-path applies to are left out.
std::map<std::string, std::string> sub_cgroup_choices(const std::map<std::string, std::string>& paths,
                                                       const std::map<std::string, std::string>& sub_paths);

}  // namespace ocirun::host
