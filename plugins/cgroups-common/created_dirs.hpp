// Creating a cgroup directory with its missing parents while remembering which ones we made,
// so that destroy() removes exactly those and never a pre-existing parent.
#pragma once

#include <exception>
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

// rmdir every cgroup below `dir` (not `dir` itself), deepest first: the sub-cgroups a
// container's processes made inside its own cgroup, which must go before it can. Their
// processes must be gone. Throws naming what could not be removed.
void remove_cgroup_descendants(const std::string& dir);

// A container cgroup's destroy(): its own directories (`own`, one per hierarchy) that it
// created lose their sub-cgroups first, then every created directory goes, innermost first;
// a created parent that other cgroups still use (a pod's, shared with other containers) stays.
// Pre-existing directories (and whatever is below them) are left alone.
void remove_created_cgroup(const std::vector<std::string>& own, const std::vector<std::string>& created);

// Runs `body` (a driver's create steps, which record in `created` what they make); if it throws,
// removes those directories and rethrows the original error (a failed cleanup is not reported:
// leftovers are named by the next failure).
template <typename Body>
auto undo_dirs_on_failure(const std::vector<std::string>& created, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (...) {
        try {
            remove_cgroup_dirs(created);
        } catch (const std::exception&) {
        }
        throw;
    }
}

}  // namespace ocirun::cgroups
