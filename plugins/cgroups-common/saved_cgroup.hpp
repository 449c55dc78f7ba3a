// What Cgroup::save() hands the core to keep in state.json, and open() reads back: the
// directory of each hierarchy and the directories this cgroup created.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ocirun::cgroups {

struct SavedCgroup {
    std::string driver;                          // "cgroups-v1" | "cgroups-v2": refuse a mix-up
    std::map<std::string, std::string> paths;    // controller ("" = v2 unified) -> directory
    std::vector<std::string> created;            // outermost first
    bool devices_skipped = false;                // v1: devices left alone (user namespace)
};

std::string to_text(const SavedCgroup& saved);
// Throws ocirun::Error when the text is not a saved cgroup of `driver`.
SavedCgroup saved_cgroup_from_text(const std::string& text, const std::string& driver);

}  // namespace ocirun::cgroups
