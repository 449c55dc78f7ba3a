// Creating a cgroup directory with its missing parents while remembering which ones we made,
// so that destroy() removes exactly those and never a pre-existing parent.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ocirun::cgroups {

namespace fs = std::filesystem;

// mkdir root/relative and missing parents; appends each directory created (outermost first) to
// `created`. Throws ocirun::Error naming the directory.
void make_cgroup_dirs(const fs::path& root, const std::string& relative, std::vector<std::string>& created);

// rmdir each directory, innermost first (reverse order of creation). Retries EBUSY briefly
// (the kernel releases a cgroup shortly after its last task exits); ENOENT is fine.
// Throws after trying all of them if any could not be removed.
void remove_cgroup_dirs(const std::vector<std::string>& created);

}  // namespace ocirun::cgroups
