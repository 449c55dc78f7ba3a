// linux.maskedPaths and linux.readonlyPaths, applied inside the container after pivot_root so the
// paths mean what they say (and /proc, /sys are the container's).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "linux/init_steps.hpp"
#include "linux/mount_options.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

UniqueFd open_root() {
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw sys_error("open /");
    return root;
}

std::string field(const char* list, std::size_t i, const std::string& path) {
    return std::string("config.json: linux.") + list + "[" + std::to_string(i) + "] (" + path + ")";
}

// Calls apply(where, target, path) for each path of `paths` (linux.`list`) that exists in the
// container; missing ones are skipped, like runc. `where` names the entry for errors.
template <typename Apply>
void for_each_existing(const char* list, const std::vector<std::string>& paths, Apply apply) {
    UniqueFd root = open_root();
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string where = field(list, i, paths[i]);
        std::optional<ResolvedPath> target;
        try {
            target = resolve_existing_in_root(root.get(), paths[i]);
        } catch (const ResolveError& e) {
            throw Error(where + ": " + e.what());
        }
        if (target) apply(where, *target, root.get(), paths[i]);
    }
}

}  // namespace

void apply_readonly_paths(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    for_each_existing("readonlyPaths", spec.linuxSection->readonlyPaths,
                      [](const std::string& where, const ResolvedPath& target, int root, const std::string& path) {
        const std::string p = target.proc_path();
        if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            throw sys_error(where + ": bind mount");
        ResolvedPath mounted = resolve_in_root(root, path);
        const std::string m = mounted.proc_path();
        // Keep the nosuid/nodev/noexec the path already had; add read-only.
        unsigned long keep = locked_mount_flags(m) & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
        if (::mount(nullptr, m.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) != 0 &&
            (errno != EPERM ||
             ::mount(nullptr, m.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_mount_flags(m), nullptr) != 0))
            throw sys_error(where + ": remount read-only");
    });
}

void apply_masked_paths(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    for_each_existing("maskedPaths", spec.linuxSection->maskedPaths,
                      [](const std::string& where, const ResolvedPath& target, int, const std::string&) {
        struct stat st {};
        if (::fstat(target.fd.get(), &st) != 0) throw sys_error(where + ": stat");
        const std::string p = target.proc_path();
        if (S_ISDIR(st.st_mode)) {
            // An empty read-only tmpfs hides a directory.
            if (::mount("tmpfs", p.c_str(), "tmpfs", MS_RDONLY, nullptr) != 0)
                throw sys_error(where + ": mount read-only tmpfs");
        } else if (::mount("/dev/null", p.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            throw sys_error(where + ": bind /dev/null");
        }
    });
}

}  // namespace ocirun::linux_init
