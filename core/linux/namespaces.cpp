// Joining the namespaces that linux.namespaces gives a path for. Namespaces without a path were
// created by the parent's clone(). All paths are opened first (joining the mount namespace
// changes what later paths mean), then joined user namespace first: the others are owned by
// it, and setns into them needs CAP_SYS_ADMIN there.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"
#include "spec/known_names.hpp"

namespace ocirun::linux_init {
namespace {

struct PathNamespace {
    std::size_t index;
    std::string type;
    UniqueFd fd;
    int flag;
};

std::string field(const PathNamespace& ns) {
    return "config.json: linux.namespaces[" + std::to_string(ns.index) + "] (" + ns.type + ")";
}

// True when /proc/self/ns/<name> is the namespace `fd` refers to.
bool already_in(const std::string& type, int fd) {
    struct stat mine {}, theirs {};
    std::string self = "/proc/self/ns/" + std::string(spec::namespace_proc_name(type));
    if (::stat(self.c_str(), &mine) != 0 || ::fstat(fd, &theirs) != 0) return false;
    return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

}  // namespace

bool join_path_namespaces(const spec::Spec& spec) {
    if (!spec.linuxSection) return false;
    std::vector<PathNamespace> joins;
    const auto& list = spec.linuxSection->namespaces;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].path.empty()) continue;
        PathNamespace ns{i, list[i].type, UniqueFd(), 0};
        auto flag = spec::namespace_clone_flag(ns.type);
        if (!flag) throw Error(field(ns) + ": unknown namespace type");
        ns.flag = *flag;
        ns.fd.reset(::open(list[i].path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns.fd) throw sys_error(field(ns) + ": open " + list[i].path);
        joins.push_back(std::move(ns));
    }
    std::stable_partition(joins.begin(), joins.end(),
                          [](const PathNamespace& ns) { return ns.flag == CLONE_NEWUSER; });

    bool joined_user = false;
    for (auto& ns : joins) {
        // A pid namespace applies to children only: the runtime entered it (pid_for_children) for
        // the clone() of this init (init_launcher.cpp). A time namespace is not joined by path
        // (yet). Here we only check, so a container never runs outside them.
        if (ns.flag == CLONE_NEWPID || ns.flag == CLONE_NEWTIME) {
            if (!already_in(ns.type, ns.fd.get()))
                throw Error(field(ns) + ": the init process was not started in this namespace");
            continue;
        }
        if (already_in(ns.type, ns.fd.get())) continue;  // setns(user) into our own ns is EINVAL
        if (::setns(ns.fd.get(), ns.flag) != 0)
            throw sys_error(field(ns) + ": setns " + list[ns.index].path);
        if (ns.flag == CLONE_NEWUSER) joined_user = true;
    }
    return joined_user;
}

}  // namespace ocirun::linux_init

namespace ocirun::linux_init {

// A new time namespace with linux.timeOffsets. Offsets can only be written before any process is
// in the namespace, so it cannot come from clone() (nor can legacy clone() make one: 0x80 is in
// its exit-signal bits): the init unshares it (which only affects children), writes the offsets,
// then moves itself in through time_for_children.
void enter_new_time_namespace(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    const auto& l = *spec.linuxSection;
    const bool wanted = std::any_of(l.namespaces.begin(), l.namespaces.end(), [](const spec::LinuxNamespace& ns) {
        return ns.type == "time" && ns.path.empty();
    });
    if (!wanted) return;
    const std::string where = "config.json: linux.namespaces (time)";
    // Unconditional: even if clone() had made one, a fresh child namespace is the only one whose
    // offsets are still writable.
    if (::unshare(CLONE_NEWTIME) != 0) throw sys_error(where + ": unshare(CLONE_NEWTIME)");
    for (const auto& [clock, offset] : l.timeOffsets) {
        if (clock != "monotonic" && clock != "boottime")
            throw Error("config.json: linux.timeOffsets[\"" + clock + "\"]: unknown clock (want monotonic or boottime)");
        const std::string line = clock + " " + std::to_string(offset.secs) + " " + std::to_string(offset.nanosecs) + "\n";
        UniqueFd fd(::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC));
        if (!fd || ::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw sys_error("config.json: linux.timeOffsets[\"" + clock + "\"]: write /proc/self/timens_offsets");
    }
    UniqueFd ns(::open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC));
    if (!ns) throw sys_error(where + ": open /proc/self/ns/time_for_children");
    if (::setns(ns.get(), CLONE_NEWTIME) != 0) throw sys_error(where + ": setns into the new time namespace");
}

}  // namespace ocirun::linux_init
