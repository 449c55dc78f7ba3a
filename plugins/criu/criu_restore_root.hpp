// The host side of a restore that CRIU expects ready: the container's rootfs as a mount point
// of its own (CRIU requires its root to be one, with a parent that is not overmounted), and
// mount points for the config's mounts, as they were when the container was created.
#pragma once

#include <ocirun/plugin.hpp>

#include "rpc.pb.h"

namespace ocirun::criu {

class RestoreRoot {
public:
    // Bind-mounts request.rootfs (recursively) at STATE_DIR/criu-root, after creating the
    // missing mount points of the config's mounts (not those on a tmpfs, whose content CRIU
    // restores, nor cgroup mounts, whose mount point /sys provides).
    explicit RestoreRoot(const plugin::RestoreRequest& request);
    // Detaches the bind mount and removes the dir: CRIU has its own mounts by then.
    ~RestoreRoot();
    RestoreRoot(const RestoreRoot&) = delete;
    RestoreRoot& operator=(const RestoreRoot&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// cgroup v1: the cgroup CRIU's restorer was put in, per controller, as its cg_root (the restored
// tree's cgroups are placed under it). Nothing on a cgroup2 host: CRIU uses its own cgroup.
void add_v1_cgroup_roots(pid_t criu_pid, criu_opts& opts);

}  // namespace ocirun::criu
