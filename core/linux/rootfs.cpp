// The rootfs and config.json's mounts, in the container's mount namespace before pivot_root.
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "linux/idmapped_mount.hpp"
#include "linux/init_steps.hpp"
#include "linux/lsm_labels.hpp"
#include "linux/mount_options.hpp"
#include "linux/path_in_root.hpp"
#include "linux/tmpfs_copyup.hpp"
#include "ocirun/error.hpp"
#include "ocirun_host/mountinfo.hpp"
#include "spec/known_names.hpp"

namespace ocirun::linux_init {
namespace {

std::string clean_destination(const std::string& dest) {
    std::string out;
    std::size_t i = 0;
    while (i < dest.size()) {
        std::size_t j = dest.find('/', i);
        if (j == std::string::npos) j = dest.size();
        std::string part = dest.substr(i, j - i);
        if (!part.empty() && part != ".") out += "/" + part;
        i = j + 1;
    }
    return out.empty() ? "/" : out;
}

int mount_setattr_fd(int fd, std::uint64_t set, std::uint64_t clr) {
    struct mount_attr attr {};
    attr.attr_set = set;
    attr.attr_clr = clr;
    return static_cast<int>(::syscall(SYS_mount_setattr, fd, "",
                                      AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr));
}

bool source_is_dir(const std::string& source) {
    struct stat st {};
    return ::stat(source.c_str(), &st) != 0 || S_ISDIR(st.st_mode);
}

bool inside(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// runc's rule for /proc (CVE-2019-16884 and friends): only a procfs goes over /proc, and below it
// only the files lxcfs emulates. tmpfs is let through, as runc 1.1 does: it hides, never exposes.
// `path` is checked as written and again once resolved inside the rootfs.
void check_proc_destination(const spec::Mount& m, const std::string& path, bool bind, const std::string& where) {
    if (m.type == "tmpfs" || !inside(path, "/proc")) return;
    if (path == "/proc") {
        if (!bind && m.type == "proc") return;
        struct statfs st {};
        if (bind && ::statfs(m.source.c_str(), &st) == 0 && st.f_type == PROC_SUPER_MAGIC) return;
        throw Error(where + ": \"" + path + "\" cannot be mounted because it is not of type proc");
    }
    static const char* const kEmulated[] = {"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
                                            "/proc/stat",    "/proc/swaps",     "/proc/uptime",
                                            "/proc/loadavg", "/proc/slabinfo",  "/proc/net/dev",
                                            "/proc/sys/kernel/ns_last_pid"};
    for (const char* ok : kEmulated)
        if (path == ok) return;
    throw Error(where + ": \"" + path + "\" cannot be mounted because it is inside /proc");
}

// runc's rule (its fixes for CVE-2019-16884 and CVE-2019-19921): proc and sysfs are mounted only
// on an ordinary directory, never through a symlink (nor onto a file) at the destination, which
// could point them anywhere (a symlinked /proc would make every later /proc check look elsewhere).
void check_ordinary_directory(const spec::Mount& m, int root_fd, const std::string& dest, const std::string& where) {
    if (m.type != "proc" && m.type != "sysfs") return;
    const std::size_t slash = dest.rfind('/');
    const std::string name = dest.substr(slash + 1);
    if (name.empty()) return;
    auto parent = resolve_existing_in_root(root_fd, slash == 0 ? "/" : dest.substr(0, slash));
    struct stat st {};
    // Missing: created below as a directory.
    if (!parent || ::fstatat(parent->fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (!S_ISDIR(st.st_mode))
        throw Error(where + ": filesystem \"" + m.type + "\" must be mounted on ordinary directory");
}

// mount(2) for one config.json mount; `where` prefixes errors, e.g. "config.json: mounts[3] (/proc)".
bool fd_is_dir(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode);
}

// `source_fd`: the bind source as the runtime opened it (see BindSources), or -1.
void mount_one(const spec::Mount& m, const std::string& dest, int root_fd,
               const InitRequest& request, const std::string& where, int source_fd) {
    ParsedMountOptions opts = parse_mount_options(m.options);
    const bool bind = m.type == "bind" || opts.is_bind();
    if (bind && m.type == "bind" && !(opts.flags & MS_BIND)) opts.flags |= MS_BIND;
    const std::string kind = bind ? "bind" : m.type;
    const bool idmapped = opts.idmap || !m.uidMappings.empty() || !m.gidMappings.empty();

    if (m.type == "cgroup") {
        mount_cgroup_tree(*request.spec, root_fd, dest, opts.flags, where);
        return;
    }

    // As written (before anything is created for it), unless ".." makes that meaningless.
    if (dest.find("/..") == std::string::npos) check_proc_destination(m, dest, bind, where);
    check_ordinary_directory(m, root_fd, dest, where);
    // /dev is made read-only only once its mount points and device nodes exist (runc's order):
    // see remount_dev_readonly. A bind is remounted at once, as runc does.
    if (!bind && dest == "/dev") opts.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    const bool source_dir = source_fd >= 0 ? fd_is_dir(source_fd) : source_is_dir(m.source);
    ResolvedPath target = resolve_in_root(root_fd, dest, bind && !source_dir ? Create::kFile : Create::kDir);
    check_proc_destination(m, target.path, bind, where);
    std::string data = opts.data;
    if (!bind) add_mount_label_option(request.lsm, m.type, data);

    bool bound = bind;
    if (idmapped) {
        // Validation made sure this is a bind with both maps and no user namespace of its own.
        IdmapRequest idmap{m.source, m.uidMappings, m.gidMappings, (opts.flags & MS_REC) != 0, false};
        for (const auto& o : m.options)
            if (o == "ridmap") idmap.recursive_idmap = true;
        mount_idmapped(idmap, target.fd.get(), where);
    } else if (bind) {
        // Through the runtime's fd the path's directories need no search permission of ours.
        const std::string source = source_fd >= 0 ? "/proc/self/fd/" + std::to_string(source_fd) : m.source;
        if (::mount(source.c_str(), target.proc_path().c_str(), nullptr,
                    opts.flags & (MS_BIND | MS_REC), nullptr) != 0)
            throw sys_error(where + ": mount bind " + m.source);
    } else if (opts.tmpcopyup && m.type == "tmpfs") {
        UniqueFd old_contents = open_copyup_source(target.proc_path(), where);
        if (::mount(m.source.c_str(), target.proc_path().c_str(), "tmpfs", opts.flags,
                    data.empty() ? nullptr : data.c_str()) != 0)
            throw sys_error(where + ": mount tmpfs");
        copy_up(old_contents.get(), resolve_in_root(root_fd, dest).proc_path(), where);
    } else if (::mount(m.source.c_str(), target.proc_path().c_str(), m.type.c_str(), opts.flags,
                       data.empty() ? nullptr : data.c_str()) != 0) {
        int err = errno;
        // sysfs and mqueue cannot be mounted without their own (net, ipc) namespace inside a
        // user namespace; like runc, fall back to a recursive bind of the host's.
        if (err != EPERM || (m.type != "sysfs" && m.type != "mqueue"))
            throw sys_error(where + ": mount " + kind, err);
        const char* host = m.type == "sysfs" ? "/sys" : "/dev/mqueue";
        if (::mount(host, target.proc_path().c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            throw sys_error(where + ": mount " + kind + " (bind of the host's " + host + ")");
        bound = true;
    }
    if (!bound && mount_root_needs_label(request.lsm, m.type))
        label_mount_root(request.lsm, resolve_in_root(root_fd, dest).proc_path());

    // A bind ignores every flag but MS_BIND|MS_REC: the rest needs a remount of the new mount
    // (re-resolved, so we address the mount and not the directory under it).
    const unsigned long extra = opts.flags & ~(MS_BIND | MS_REC);
    if (bound && extra) {
        ResolvedPath mounted = resolve_in_root(root_fd, dest);
        const std::string p = mounted.proc_path();
        const unsigned long flags = extra | MS_BIND | MS_REMOUNT;
        if (::mount(nullptr, p.c_str(), nullptr, flags, nullptr) != 0) {
            // In a user namespace the source's flags are locked and must be repeated.
            if (errno != EPERM ||
                ::mount(nullptr, p.c_str(), nullptr, flags | locked_mount_flags(p), nullptr) != 0)
                throw sys_error(where + ": remount " + kind);
        }
    }

    if (!opts.propagation.empty() || opts.attr_set || opts.attr_clr) {
        ResolvedPath mounted = resolve_in_root(root_fd, dest);
        for (unsigned long flag : opts.propagation)
            if (::mount(nullptr, mounted.proc_path().c_str(), nullptr, flag, nullptr) != 0)
                throw sys_error(where + ": set mount propagation");
        if ((opts.attr_set || opts.attr_clr) &&
            mount_setattr_fd(mounted.fd.get(), opts.attr_set, opts.attr_clr) != 0)
            throw sys_error(where + ": mount_setattr (recursive mount options)");
    }
}

// Our own mount namespace: stop our mounts from reaching the host (and, for shared, let host
// mounts reach us), and let pivot_root work.
void make_root_private_enough(const spec::Spec& spec, const std::string& rootfs) {
    unsigned long propagation = MS_SLAVE | MS_REC;
    std::string field = "linux.rootfsPropagation";
    if (spec.linuxSection && !spec.linuxSection->rootfsPropagation.empty()) {
        const auto* opt = spec::find_mount_option(spec.linuxSection->rootfsPropagation);
        if (!opt || !opt->propagation)
            throw Error("config.json: " + field + ": unknown propagation \"" +
                        spec.linuxSection->rootfsPropagation + "\"");
        propagation = opt->flag;
    }
    if (::mount(nullptr, "/", nullptr, propagation, nullptr) != 0)
        throw sys_error("config.json: " + field + ": make / " + (spec.linuxSection && !spec.linuxSection->rootfsPropagation.empty() ? spec.linuxSection->rootfsPropagation : "rslave"));

    // pivot_root refuses a new root whose parent mount is shared.
    const auto parent = host::mount_holding(host::read_mountinfo(), rootfs);
    if (parent && parent->shared() && ::mount(nullptr, parent->mount_point.c_str(), nullptr, MS_PRIVATE, nullptr) != 0)
        throw sys_error("root.path: make the mount holding " + rootfs + " (" + parent->mount_point + ") private");
}

// The rootfs becomes a mount point of its own, which pivot_root needs (and root.readonly, which
// remounts "/", which must then be the rootfs and not the mount holding it).
UniqueFd bind_rootfs_onto_itself(const spec::Spec& spec, const std::string& rootfs) {
    unsigned long propagation = 0;
    const std::string field = "linux.rootfsPropagation";
    if (spec.linuxSection && !spec.linuxSection->rootfsPropagation.empty())
        if (const auto* opt = spec::find_mount_option(spec.linuxSection->rootfsPropagation)) propagation = opt->flag;
    if (::mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        const int err = errno;
        if (err == EINVAL && (propagation & MS_UNBINDABLE))
            throw Error("config.json: root.path: bind mount " + rootfs + ": " + std::strerror(err) + " (" + field +
                        " \"" + spec.linuxSection->rootfsPropagation +
                        "\" makes the rootfs impossible to bind-mount, as with runc)");
        throw sys_error("config.json: root.path: bind mount " + rootfs, err);
    }
    UniqueFd fd(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw sys_error("config.json: root.path: open " + rootfs);
    return fd;
}

}  // namespace

UniqueFd prepare_rootfs(const spec::Spec& spec, const std::string& rootfs, bool shares_mount_namespace) {
    if (!shares_mount_namespace) make_root_private_enough(spec, rootfs);
    return bind_rootfs_onto_itself(spec, rootfs);
}

void mount_spec_mounts(const spec::Spec& spec, int root_fd, const InitRequest& request,
                       const BindSources& bind_sources, const std::function<void()>& before_cgroup_mount) {
    bool cgroup_mount_seen = false;
    for (std::size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& m = spec.mounts[i];
        if (m.type == "cgroup" && !cgroup_mount_seen) {
            cgroup_mount_seen = true;
            if (before_cgroup_mount) before_cgroup_mount();
        }
        const std::string dest = clean_destination(m.destination);
        const std::string where = "config.json: mounts[" + std::to_string(i) + "] (" + m.destination + ")";
        try {
            const int source_fd = i < bind_sources.size() ? bind_sources[i].get() : -1;
            mount_one(m, dest, root_fd, request, where, source_fd);
        } catch (const ResolveError& e) {
            throw Error(where + ": " + e.what());
        }
    }
}

bool dev_is_bind_mounted(const spec::Spec& spec) {
    for (const auto& m : spec.mounts) {
        if (clean_destination(m.destination) != "/dev") continue;
        if (m.type == "bind") return true;
        for (const auto& o : m.options)
            if (o == "bind" || o == "rbind") return true;
    }
    return false;
}

void remount_dev_readonly(const spec::Spec& spec) {
    bool readonly = false;
    for (const auto& m : spec.mounts) {
        if (clean_destination(m.destination) != "/dev") continue;
        const ParsedMountOptions opts = parse_mount_options(m.options);
        readonly = !(m.type == "bind" || opts.is_bind()) && (opts.flags & MS_RDONLY);  // the last one counts
    }
    if (!readonly) return;
    const unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (::mount(nullptr, "/dev", nullptr, flags | locked_mount_flags("/dev"), nullptr) != 0)
        throw sys_error("config.json: mounts (/dev): remount /dev read-only");
}

}  // namespace ocirun::linux_init
