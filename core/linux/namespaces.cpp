// Joining the namespaces that linux.namespaces gives a path for. Namespaces without a path were
// created by the parent's clone(). All paths are opened first (joining the mount namespace
// changes what later paths mean), then joined user namespace first: the others are owned by
// it, and setns into them needs CAP_SYS_ADMIN there.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

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
        // pid and time namespaces apply to children only: the parent joins them (pid_for_children)
        // before clone(). Here we only check that it did, so a container never runs outside them.
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
