#include "criu_request.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ocirun::criu {
namespace {

// The device nodes every container gets (runtime-spec's default devices), which runc adds to
// its device list: described to CRIU like the configured ones.
constexpr const char* kDefaultDevices[] = {"/dev/null", "/dev/zero", "/dev/full",
                                           "/dev/tty",  "/dev/urandom", "/dev/random"};

void add_ext_mount(criu_opts& opts, const std::string& key, const std::string& value) {
    ext_mount_map* m = opts.add_ext_mnt();
    m->set_key(key);
    m->set_val(value);
}

const std::vector<spec::Mount>& mounts_of(const spec::Spec& config) { return config.mounts; }

std::vector<std::string> device_paths(const spec::Spec& config) {
    std::vector<std::string> out(std::begin(kDefaultDevices), std::end(kDefaultDevices));
    if (config.linuxSection)
        for (const auto& d : config.linuxSection->devices) out.push_back(d.path);
    return out;
}

// linux.namespaces[].path of `type`, "" when created rather than joined.
std::string joined_namespace(const spec::Spec& config, const std::string& type) {
    if (!config.linuxSection) return {};
    for (const auto& ns : config.linuxSection->namespaces)
        if (ns.type == type) return ns.path;
    return {};
}

// CRIU's key for a joined namespace, the same at dump and restore ("extRootNetNS").
std::string external_ns_key(const std::string& type) {
    return type == "network" ? "extRootNetNS" : "extRootPidNS";
}
std::string criu_ns_name(const std::string& type) { return type == "network" ? "net" : "pid"; }

int external_ns_version(const std::string& type) {
    return type == "network" ? kExternalNetNsVersion : kExternalPidNsVersion;
}

bool is_bind(const spec::Mount& m) {
    if (m.type == "bind") return true;
    for (const auto& o : m.options)
        if (o == "bind" || o == "rbind") return true;
    return false;
}

void set_config_file(const spec::Spec& config, criu_opts& opts) {
    // runc's rule: the annotation org.criu.config names a CRIU config file ("" = none), else
    // /etc/criu/runc.conf (kept so that a host's runc tuning applies to ocirun too).
    const auto it = config.annotations.find("org.criu.config");
    if (it == config.annotations.end()) opts.set_config_file("/etc/criu/runc.conf");
    else if (!it->second.empty()) opts.set_config_file(it->second);
}

// The options dump and restore set alike, from flags of the same name in either request.
template <class Request>
void set_shared_options(const Request& r, criu_opts& opts) {
    opts.set_log_level(4);
    opts.set_manage_cgroups(true);
    opts.set_notify_scripts(true);
    opts.set_orphan_pts_master(true);
    opts.set_shell_job(r.shell_job);
    opts.set_tcp_established(r.tcp_established);
    opts.set_ext_unix_sk(r.ext_unix_sk);
    opts.set_file_locks(r.file_locks);
    opts.set_empty_ns(empty_namespace_flags(r.empty_ns));
    opts.set_auto_dedup(r.auto_dedup);
    opts.set_lazy_pages(r.lazy_pages);
    if (!r.manage_cgroups_mode.empty()) opts.set_manage_cgroups_mode(cgroups_mode(r.manage_cgroups_mode));
    set_config_file(*r.config, opts);
}

// The key a cgroup mount of the container has in the images: "ocirun-cgroup:" plus its
// controllers ("" for cgroup2), so that restore maps it to the new container's cgroup.
constexpr const char* kCgroupMountKey = "ocirun-cgroup:";

// Mounts of the dumped init (as it sees them) that are slaves of a mount outside the container:
// the core's cgroup mounts (a bind of the container's cgroup dir from the host) and any other
// host bind. CRIU cannot dump their sharing ("unreachable sharing"), so they are external;
// cgroup ones are keyed by controller, the others by their mount point.
void add_external_slave_mounts(pid_t pid, criu_opts& opts) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/mountinfo");
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::vector<std::string> f;
        for (std::string w; fields >> w;) f.push_back(w);
        if (f.size() < 10) continue;
        bool slave = false;
        std::size_t dash = 6;
        for (; dash < f.size() && f[dash] != "-"; ++dash)
            if (f[dash].rfind("master:", 0) == 0) slave = true;
        if (!slave || dash + 3 >= f.size()) continue;
        const std::string& point = f[4];
        bool known = false;
        for (const auto& m : opts.ext_mnt())
            if (m.key() == point) known = true;
        if (known) continue;
        const std::string& fstype = f[dash + 1];
        std::string key = point;
        if (fstype == "cgroup2") {
            key = std::string(kCgroupMountKey);
        } else if (fstype == "cgroup") {
            std::string controllers;
            std::istringstream super(f[dash + 3]);
            for (std::string o; std::getline(super, o, ',');)
                if (o != "rw" && o != "ro" && o.find('=') == std::string::npos && o != "xattr" && o != "noprefix" &&
                    o != "clone_children" && o != "cpuset_v2_mode")
                    controllers += (controllers.empty() ? "" : ",") + o;
            key = std::string(kCgroupMountKey) + controllers;
        }
        add_ext_mount(opts, point, key);
    }
}

}  // namespace

criu_cg_mode cgroups_mode(const std::string& name) {
    if (name == "soft") return SOFT;
    if (name == "full") return FULL;
    if (name == "strict") return STRICT;
    if (name == "ignore") return IGNORE;
    throw Error("--manage-cgroups-mode: invalid value \"" + name + "\" (soft, full, strict or ignore)");
}

unsigned empty_namespace_flags(const std::vector<std::string>& names) {
    unsigned flags = 0;
    for (const auto& n : names) {
        if (n == "network") flags |= CLONE_NEWNET;
        else throw Error("--empty-ns: namespace \"" + n + "\" is not supported (only \"network\")");
    }
    return flags;
}

void fill_dump_options(const plugin::CheckpointRequest& r, int criu_version, criu_opts& opts) {
    const spec::Spec& config = *r.config;
    set_shared_options(r, opts);
    opts.set_log_file(r.pre_dump ? "pre-dump.log" : "dump.log");
    opts.set_root(r.rootfs);
    opts.set_pid(r.init_pid);
    opts.set_leave_running(r.leave_running);
    for (const char* type : {"network", "pid"}) {
        const std::string path = joined_namespace(config, type);
        if (path.empty() || criu_version < external_ns_version(type)) continue;
        struct stat st{};
        if (::stat(path.c_str(), &st) != 0)
            throw Error(std::string("checkpoint: stat the joined ") + type + " namespace " + path + ": " + std::strerror(errno));
        opts.add_external(criu_ns_name(type) + "[" + std::to_string(st.st_ino) + "]:" + external_ns_key(type));
    }
    // CRIU freezes the tree through the cgroup freezer (else with ptrace); on cgroup2 since 3.14.
    if (const auto it = r.cgroup_paths.find(""); it != r.cgroup_paths.end() && criu_version >= kCgroupV2FreezerVersion)
        opts.set_freeze_cgroup(it->second);
    else if (const auto fz = r.cgroup_paths.find("freezer"); fz != r.cgroup_paths.end())
        opts.set_freeze_cgroup(fz->second);
    if (!r.page_server.empty()) {
        const auto colon = r.page_server.rfind(':');
        int port = 0;
        try {
            if (colon == std::string::npos) throw std::invalid_argument("no port");
            port = std::stoi(r.page_server.substr(colon + 1));
        } catch (const std::exception&) {
            throw Error("--page-server " + r.page_server + ": want ADDRESS:PORT");
        }
        opts.mutable_ps()->set_address(r.page_server.substr(0, colon));
        opts.mutable_ps()->set_port(port);
    }
    if (!r.parent_path.empty()) {
        opts.set_parent_img(r.parent_path);
        opts.set_track_mem(true);
    }
    if (r.pre_dump) return;  // a pre-dump saves memory only: no mounts to describe

    // The mounts whose source is outside the container: bind mounts, masked files (bind mounts
    // of /dev/null) and device nodes (bind mounted from the host where the container cannot
    // mknod). The same key at dump and restore; the value is the destination at dump.
    for (const auto& m : mounts_of(config))
        if (is_bind(m)) add_ext_mount(opts, m.destination, m.destination);
    if (config.linuxSection) {
        for (const auto& path : config.linuxSection->maskedPaths) {
            struct stat st{};
            const std::string in_container = "/proc/" + std::to_string(r.init_pid) + "/root" + path;
            if (::stat(in_container.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;  // a dir is a tmpfs
            add_ext_mount(opts, path, "/dev/null");
        }
    }
    for (const auto& path : device_paths(config)) add_ext_mount(opts, path, path);
    add_external_slave_mounts(r.init_pid, opts);
}

void fill_restore_options(const plugin::RestoreRequest& r, int criu_version, criu_opts& opts,
                          std::vector<int>& passed_fds) {
    const spec::Spec& config = *r.config;
    set_shared_options(r, opts);
    opts.set_log_file("restore.log");
    opts.set_evasive_devices(true);
    opts.set_rst_sibling(true);  // the restored init becomes our child, not CRIU's
    if (!r.lsm_profile.empty()) {
        if (criu_version < kLsmProfileVersion) throw Error("--lsm-profile requires at least CRIU 3.16");
        opts.set_lsm_profile(r.lsm_profile);
    }
    if (!r.lsm_mount_context.empty()) {
        if (criu_version < kLsmProfileVersion) throw Error("--lsm-mount-context requires at least CRIU 3.16");
        opts.set_lsm_mount_context(r.lsm_mount_context);
    }
    if (!r.parent_path.empty()) opts.set_parent_img(r.parent_path);

    if (config.linuxSection) {
        for (const auto& ns : config.linuxSection->namespaces) {
            if (ns.path.empty()) continue;
            if (ns.type == "network" || ns.type == "pid") {
                if (criu_version < external_ns_version(ns.type)) continue;
                const int fd = ::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                    throw Error("config.json: linux.namespaces: the " + ns.type + " namespace " + ns.path +
                                " to restore into: " + std::strerror(errno));
                inherit_fd* in = opts.add_inherit_fd();
                in->set_key(external_ns_key(ns.type));
                in->set_fd(4 + static_cast<int>(passed_fds.size()));
                passed_fds.push_back(fd);
            } else if (ns.type == "cgroup") {
                throw Error("config.json: linux.namespaces: CRIU cannot join a cgroup namespace by path (" + ns.path + ")");
            } else {
                join_namespace* j = opts.add_join_ns();
                j->set_ns(ns.type == "mount" ? "mnt" : ns.type);
                j->set_ns_file(ns.path);
            }
        }
    }
    for (const auto& m : mounts_of(config)) {
        if (!is_bind(m)) continue;
        const bool relative = !m.source.empty() && m.source.front() != '/';
        add_ext_mount(opts, m.destination, relative ? r.bundle + "/" + m.source : m.source);
    }
    if (config.linuxSection && !config.linuxSection->maskedPaths.empty()) add_ext_mount(opts, "/dev/null", "/dev/null");
    for (const auto& path : device_paths(config)) add_ext_mount(opts, path, path);
    // The core's cgroup mounts, dumped as external (above): now the new container's cgroup.
    for (const auto& [controller, path] : r.cgroup_paths) add_ext_mount(opts, kCgroupMountKey + controller, path);
}

}  // namespace ocirun::criu
