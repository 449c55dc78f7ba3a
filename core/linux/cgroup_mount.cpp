// A config.json mount of type "cgroup" on this hybrid host: a tmpfs at the destination holding
// one directory per hierarchy of /proc/self/cgroup (v1 controllers, named hierarchies, and the
// cgroup2 "unified" one). With a private cgroup namespace each is a fresh cgroup mount (the
// kernel shows the namespace root); without one, a read-only bind of the container's own cgroup
// directory from the host mount, so the container never sees its siblings.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "linux/init_steps.hpp"
#include "linux/mount_options.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"

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

std::vector<Hierarchy> own_hierarchies() {
    std::vector<Hierarchy> out;
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        auto a = line.find(':');
        auto b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        out.push_back({line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return out;
}

std::vector<HostMount> cgroup_mounts() {
    std::vector<HostMount> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string id, parent, dev, root, point, opts, tok, fstype, source, super;
        f >> id >> parent >> dev >> root >> point >> opts;
        while (f >> tok && tok != "-") {
        }
        f >> fstype >> source >> super;
        if (fstype == "cgroup" || fstype == "cgroup2")
            out.push_back({point, root, "," + super + ",", fstype == "cgroup2"});
    }
    return out;
}

const HostMount* host_mount_for(const std::vector<HostMount>& mounts, const Hierarchy& h) {
    for (const auto& m : mounts) {
        if (h.controllers.empty() != m.v2) continue;
        if (m.v2) return &m;
        bool all = true;
        std::istringstream ctrls(h.controllers);
        std::string c;
        while (std::getline(ctrls, c, ','))
            if (m.super_opts.find("," + c + ",") == std::string::npos) all = false;
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
    const bool own_ns = private_cgroup_ns(spec);
    const auto mounts = cgroup_mounts();
    for (const Hierarchy& h : own_hierarchies()) {
        const HostMount* host = host_mount_for(mounts, h);
        if (!host) continue;  // a hierarchy that is not mounted on the host (nothing to show)
        const std::string name = dir_name(*host);
        const std::string sub = destination + "/" + name;
        ResolvedPath target = resolve_in_root(root_fd, sub, Create::kDir);
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
            ResolvedPath mounted = resolve_in_root(root_fd, sub);
            unsigned long remount = MS_BIND | MS_REMOUNT | base | (readonly ? MS_RDONLY : 0);
            if (remount != (MS_BIND | MS_REMOUNT) &&
                ::mount(nullptr, mounted.proc_path().c_str(), nullptr, remount, nullptr) != 0 &&
                (errno != EPERM ||
                 ::mount(nullptr, mounted.proc_path().c_str(), nullptr,
                         remount | locked_mount_flags(mounted.proc_path()), nullptr) != 0))
                throw sys_error(where + ": remount " + source);
        }
        // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host.
        if (h.controllers.find(',') != std::string::npos && name == h.controllers) {
            ResolvedPath dir = resolve_in_root(root_fd, destination);
            std::istringstream ctrls(h.controllers);
            std::string c;
            while (std::getline(ctrls, c, ','))
                if (::symlinkat(name.c_str(), dir.fd.get(), c.c_str()) != 0 && errno != EEXIST)
                    throw sys_error(where + ": symlink " + c);
        }
    }
    if (readonly) {
        ResolvedPath mounted = resolve_in_root(root_fd, destination);
        if (::mount(nullptr, mounted.proc_path().c_str(), nullptr, MS_REMOUNT | MS_RDONLY | base,
                    "mode=755") != 0)
            throw sys_error(where + ": remount cgroup tmpfs read-only");
    }
}

}  // namespace ocirun::linux_init
