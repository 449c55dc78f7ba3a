// Resolving a container path (a mount destination, a device, the cwd) inside the rootfs, so that
// neither absolute symlinks nor ".." in a hostile rootfs can reach the host. A path without
// symlinks or ".." is one openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS); any other: a lexical walk with
// one O_NOFOLLOW openat per component, symlinks expanded relative to the rootfs, and the final
// open done with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

enum class Create {
    kNothing,  // the path must exist
    kDir,      // mkdir -p, every missing component a directory (0755)
    kFile,     // missing parents as directories, the last component an empty file
};

struct ResolvedPath {
    UniqueFd fd;       // O_PATH|O_CLOEXEC, never a symlink
    std::string path;  // the resolved path inside the root, "/"-rooted (for messages)
    // "/proc/self/fd/N": what mount(2) gets, so a symlink swapped in later cannot redirect it.
    std::string proc_path() const { return "/proc/self/fd/" + std::to_string(fd.get()); }
};

// What resolve_in_root throws: an ocirun::Error that keeps the errno (ENOENT: a missing component).
class ResolveError : public Error {
public:
    ResolveError(const std::string& what, int err) : Error(sys_error(what, err)), err_(err) {}
    int err() const noexcept { return err_; }

private:
    int err_;
};

// `root_fd` is an O_PATH directory fd that plays "/". Throws ocirun::sys_error("resolve PATH").
ResolvedPath resolve_in_root(int root_fd, std::string_view path, Create create = Create::kNothing);

// Like resolve_in_root (Create::kNothing), but a missing path is std::nullopt, not an exception:
// for lists where missing entries are skipped (maskedPaths, readonlyPaths), without the cost of a
// throw per missing entry.
std::optional<ResolvedPath> resolve_existing_in_root(int root_fd, std::string_view path);

// The parent directory of `path` (created as needed) and the last component's name.
struct ParentAndName {
    ResolvedPath parent;
    std::string name;
};
ParentAndName resolve_parent_in_root(int root_fd, std::string_view path);

}  // namespace ocirun::linux_init
