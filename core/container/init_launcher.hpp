// Parent side of starting a container's init: clone() into the new namespaces, write the id
// maps, put the child in its cgroup, and run the sync handshake until the child reports ready.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>

#include "linux/container_init.hpp"
#include "linux/id_mapping.hpp"
#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::container {

struct LaunchRequest {
    linux_init::InitRequest init;    // sync_fd is filled in by launch_init
    plugin::Cgroup* cgroup = nullptr;  // may be null: no cgroup driver installed (or deferred)
    // Called right after clone(), before kGo: the runtime's own preparation (state dir, config
    // copy, exec fifo), which so overlaps with the init unsharing its namespaces. Returns the
    // exec fifo's O_PATH fd, passed to the init with kGo (-1: none). Throws: the init is killed
    // and reaped.
    std::function<int()> prepare_host;
    int clone_flags = 0;             // CLONE_NEW* of the namespaces to create (no path given)
    linux_init::IdMapPlan id_maps;   // how the user namespace's maps are written (and setgroups)
    // Instead of `cgroup`: made by this callback right after kGo, while the init prepares its
    // rootfs, then announced with kCgroupReady (init.deferred_cgroup_driver is set with it).
    // Throws like the driver's create; the init is then killed and reaped.
    std::function<plugin::Cgroup*()> create_cgroup;
    // Instead of `cgroup` and `create_cgroup`, for a driver that needs the init's pid
    // (CgroupDriver::needs_init_pid): called with it right after prepare_host, before kGo; the
    // cgroup returned already holds the init (the runtime writes its pid once more, harmlessly).
    // Throws like the driver's create; the init is then killed and reaped.
    std::function<plugin::Cgroup*(pid_t)> create_cgroup_holding;
    // With init.start_on_sync: receives the parent end of the sync socket at kReady, for
    // Container::start to send kStart on (and to see the init's exec as its EOF).
    UniqueFd* keep_sync_socket = nullptr;
    // Called with the init's pid once kGo (and kCgroupReady) went out, while the init sets up:
    // work of the runtime's that may overlap with it. Throws: the init is killed and reaped.
    std::function<void(pid_t)> while_init_sets_up;
    // For the seccomp agent's state JSON when the filter has a listener (linux.seccomp.listenerPath).
    std::string container_id;
    std::string bundle;
    std::map<std::string, std::string> annotations;
};

// Returns the init's host pid once it sent kReady (it then blocks on the exec fifo, or waits
// for kStart).
// On kError, EOF or any parent-side failure the child is killed and reaped and Error is thrown:
// nothing of the process is left.
pid_t launch_init(const LaunchRequest& request);

}  // namespace ocirun::container
