#include "criu_restore_root.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace ocirun::criu {
namespace {

bool is_bind(const spec::Mount& m) {
    if (m.type == "bind") return true;
    for (const auto& o : m.options)
        if (o == "bind" || o == "rbind") return true;
    return false;
}

bool under_any(const std::string& path, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes)
        if (path.rfind(p + "/", 0) == 0) return true;
    return false;
}

// Creates rootfs+destination when missing: a file for a bind mount of a file, else a dir. The
// path is taken lexically under the rootfs; a symlink in it that leads outside is refused.
void make_mount_point(const std::string& rootfs, const spec::Mount& m, const std::string& bundle) {
    const fs::path target = fs::path(rootfs) / fs::path(m.destination).relative_path();
    std::error_code ec;
    if (fs::symlink_status(target, ec).type() != fs::file_type::not_found) return;
    const fs::path canonical_parent = fs::weakly_canonical(target.parent_path(), ec);
    const std::string root = fs::weakly_canonical(rootfs, ec).string();
    if (canonical_parent.string().rfind(root, 0) != 0)
        throw Error("restore: mount point " + m.destination + " leads outside the rootfs");
    bool file = false;
    if (is_bind(m)) {
        const fs::path source = fs::path(m.source).is_absolute() ? fs::path(m.source) : fs::path(bundle) / m.source;
        file = fs::exists(source, ec) && !fs::is_directory(source, ec);
    }
    fs::create_directories(file ? target.parent_path() : target, ec);
    if (ec) throw Error("restore: create mount point " + target.string() + ": " + ec.message());
    if (file) {
        const int fd = ::open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) throw Error("restore: create mount point " + target.string() + ": " + std::strerror(errno));
        ::close(fd);
    }
}

}  // namespace

RestoreRoot::RestoreRoot(const plugin::RestoreRequest& r) {
    std::vector<std::string> tmpfs;
    for (const auto& m : r.config->mounts)
        if (m.type == "tmpfs") tmpfs.push_back(m.destination);
    for (const auto& m : r.config->mounts) {
        if (m.type == "cgroup" || m.type == "cgroup2" || under_any(m.destination, tmpfs)) continue;
        make_mount_point(r.rootfs, m, r.bundle);
    }
    const std::string dir = r.state_dir + "/criu-root";
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        throw Error("restore: mkdir " + dir + ": " + std::strerror(errno));
    char resolved[PATH_MAX];
    if (!::realpath(dir.c_str(), resolved)) throw Error("restore: realpath " + dir + ": " + std::strerror(errno));
    if (::mount(r.rootfs.c_str(), resolved, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        const int err = errno;
        ::rmdir(resolved);
        throw Error("restore: bind mount the rootfs " + r.rootfs + " at " + resolved + ": " + std::strerror(err));
    }
    path_ = resolved;
}

RestoreRoot::~RestoreRoot() {
    ::umount2(path_.c_str(), MNT_DETACH);
    ::rmdir(path_.c_str());
}

void add_v1_cgroup_roots(pid_t criu_pid, criu_opts& opts) {
    std::ifstream in("/proc/" + std::to_string(criu_pid) + "/cgroup");
    for (std::string line; std::getline(in, line);) {
        // "ID:controllers:path"; the cgroup2 line has ID 0 and no controllers.
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        if (controllers.empty()) continue;
        cgroup_root* root = opts.add_cg_root();
        root->set_ctrl(controllers.rfind("name=", 0) == 0 ? controllers.substr(5) : controllers);
        root->set_path(line.substr(second + 1));
    }
}

}  // namespace ocirun::criu
