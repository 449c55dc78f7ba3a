// A config.json mount of type "cgroup" on this hybrid host: a tmpfs at the destination holding
// one directory per hierarchy of /proc/self/cgroup (v1 controllers, named hierarchies, and the
// cgroup2 "unified" one). With a private cgroup namespace each is a fresh cgroup mount (the
// kernel shows the namespace root); without one, a read-only bind of the container's own cgroup
// directory from the host mount, so the container never sees its siblings.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>
#include <vector>

#include "linux/init_steps.hpp"
#include "linux/mount_options.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"
#include "ocirun_host/mountinfo.hpp"
#include "ocirun_host/proc.hpp"

namespace ocirun::linux_init {
namespace {

struct Hierarchy {
    std::string controllers;  // "cpu,cpuacct", "name=systemd", "" for cgroup2
    std::string path;         // the container's cgroup in it
};

struct HostMount {
    std::string point;        // "/sys/fs/cgroup/cpu,cpuacct"
    std::string root;         // the mount's root inside the hierarchy (mountinfo field 4)
    std::string super_opts;   // "rw,cpu,cpuacct"
    bool v2 = false;
};

// The fields of `line` separated by `sep` (empty fields kept).
std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const std::size_t end = line.find(sep, start);
        out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

std::vector<Hierarchy> own_hierarchies() {
    std::vector<Hierarchy> out;
    for (const auto& m : host::read_proc_cgroup()) out.push_back({m.controllers_field, m.path});
    return out;
}

std::vector<HostMount> cgroup_mounts() {
    std::vector<HostMount> out;
    for (const auto& m : host::read_mountinfo())
        if (m.fstype == "cgroup" || m.fstype == "cgroup2")
            out.push_back({m.mount_point, m.root, "," + m.super_options + ",", m.fstype == "cgroup2"});
    return out;
}

const HostMount* host_mount_for(const std::vector<HostMount>& mounts, const Hierarchy& h) {
    for (const auto& m : mounts) {
        if (h.controllers.empty() != m.v2) continue;
        if (m.v2) return &m;
        bool all = true;
        for (std::string_view c : split(h.controllers, ','))
            if (m.super_opts.find("," + std::string(c) + ",") == std::string::npos) all = false;
        if (all) return &m;
    }
    return nullptr;
}

// The directory name a hierarchy gets under the cgroup mount, as on the host.
std::string dir_name(const HostMount& m) { return m.point.substr(m.point.rfind('/') + 1); }

bool private_cgroup_ns(const spec::Spec& spec) {
    if (!spec.linuxSection) return false;
    for (const auto& ns : spec.linuxSection->namespaces)
        if (ns.type == "cgroup") return true;
    return false;
}

}  // namespace

void mount_cgroup_tree(const spec::Spec& spec, int root_fd, const std::string& destination,
                       unsigned long flags, const std::string& where) {
    const bool readonly = flags & MS_RDONLY;
    const unsigned long base = flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
    {
        ResolvedPath target = resolve_in_root(root_fd, destination, Create::kDir);
        if (::mount("tmpfs", target.proc_path().c_str(), "tmpfs", base, "mode=755") != 0)
            throw sys_error(where + ": mount tmpfs for cgroup");
    }
    // The fresh tmpfs is this init's alone (no container process exists yet): its entries are
    // made and opened relative to its root, with no resolution through the rootfs needed.
    const ResolvedPath tmpfs = resolve_in_root(root_fd, destination);
    auto open_entry = [&](const std::string& name) {
        ResolvedPath entry;
        entry.path = destination + "/" + name;
        entry.fd.reset(::openat(tmpfs.fd.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
        if (!entry.fd) throw sys_error(where + ": open " + entry.path);
        return entry;
    };
    const bool own_ns = private_cgroup_ns(spec);
    const auto mounts = cgroup_mounts();
    for (const Hierarchy& h : own_hierarchies()) {
        const HostMount* host = host_mount_for(mounts, h);
        if (!host) continue;  // a hierarchy that is not mounted on the host (nothing to show)
        const std::string name = dir_name(*host);
        if (::mkdirat(tmpfs.fd.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
            throw sys_error(where + ": mkdir " + destination + "/" + name);
        const ResolvedPath target = open_entry(name);
        if (own_ns) {
            const char* type = host->v2 ? "cgroup2" : "cgroup";
            std::string data = host->v2 ? "" : h.controllers;
            if (h.controllers.rfind("name=", 0) == 0) data = "none," + h.controllers;
            if (::mount("cgroup", target.proc_path().c_str(), type, base | (readonly ? MS_RDONLY : 0),
                        data.empty() ? nullptr : data.c_str()) != 0)
                throw sys_error(where + ": mount " + std::string(type) + " " + name);
        } else {
            std::string rel = h.path;
            if (host->root != "/" && rel.rfind(host->root, 0) == 0) rel = rel.substr(host->root.size());
            const std::string source = host->point + rel;
            if (::mount(source.c_str(), target.proc_path().c_str(), nullptr, MS_BIND, nullptr) != 0)
                throw sys_error(where + ": bind " + source);
            const ResolvedPath mounted_entry = open_entry(name);  // the bind mount's root now
            const std::string mounted = mounted_entry.proc_path();
            unsigned long remount = MS_BIND | MS_REMOUNT | base | (readonly ? MS_RDONLY : 0);
            if (remount != (MS_BIND | MS_REMOUNT) &&
                ::mount(nullptr, mounted.c_str(), nullptr, remount, nullptr) != 0 &&
                (errno != EPERM ||
                 ::mount(nullptr, mounted.c_str(), nullptr, remount | locked_mount_flags(mounted), nullptr) != 0))
                throw sys_error(where + ": remount " + source);
        }
        // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host.
        if (h.controllers.find(',') != std::string::npos && name == h.controllers) {
            for (std::string_view c : split(h.controllers, ','))
                if (::symlinkat(name.c_str(), tmpfs.fd.get(), std::string(c).c_str()) != 0 && errno != EEXIST)
                    throw sys_error(where + ": symlink " + std::string(c));
        }
    }
    if (readonly && ::mount(nullptr, tmpfs.proc_path().c_str(), nullptr, MS_REMOUNT | MS_RDONLY | base, "mode=755") != 0)
        throw sys_error(where + ": remount cgroup tmpfs read-only");
}

}  // namespace ocirun::linux_init
