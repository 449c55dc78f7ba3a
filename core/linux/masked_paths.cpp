// linux.maskedPaths and linux.readonlyPaths, applied inside the container after pivot_root so the
// paths mean what they say (and /proc, /sys are the container's).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

void apply_readonly_paths(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    UniqueFd root = open_root();
    const auto& paths = spec.linuxSection->readonlyPaths;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string where = field("readonlyPaths", i, paths[i]);
        std::optional<ResolvedPath> target;
        try {
            target = resolve_existing_in_root(root.get(), paths[i]);
        } catch (const ResolveError& e) {
            throw Error(where + ": " + e.what());
        }
        if (!target) continue;  // missing paths are ignored, like runc
        const std::string p = target->proc_path();
        if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            throw sys_error(where + ": bind mount");
        ResolvedPath mounted = resolve_in_root(root.get(), paths[i]);
        const std::string m = mounted.proc_path();
        // Keep the nosuid/nodev/noexec the path already had; add read-only.
        unsigned long keep = locked_mount_flags(m) & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
        if (::mount(nullptr, m.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) != 0 &&
            (errno != EPERM ||
             ::mount(nullptr, m.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_mount_flags(m), nullptr) != 0))
            throw sys_error(where + ": remount read-only");
    }
}

void apply_masked_paths(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    UniqueFd root = open_root();
    const auto& paths = spec.linuxSection->maskedPaths;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string where = field("maskedPaths", i, paths[i]);
        std::optional<ResolvedPath> target;
        try {
            target = resolve_existing_in_root(root.get(), paths[i]);
        } catch (const ResolveError& e) {
            throw Error(where + ": " + e.what());
        }
        if (!target) continue;  // missing paths are ignored, like runc
        struct stat st {};
        if (::fstat(target->fd.get(), &st) != 0) throw sys_error(where + ": stat");
        const std::string p = target->proc_path();
        if (S_ISDIR(st.st_mode)) {
            // An empty read-only tmpfs hides a directory.
            if (::mount("tmpfs", p.c_str(), "tmpfs", MS_RDONLY, nullptr) != 0)
                throw sys_error(where + ": mount read-only tmpfs");
        } else if (::mount("/dev/null", p.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            throw sys_error(where + ": bind /dev/null");
        }
    }
}

}  // namespace ocirun::linux_init
