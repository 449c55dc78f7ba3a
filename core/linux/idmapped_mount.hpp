// Idmapped bind mounts (mount option "idmap"/"ridmap", per-mount uidMappings/gidMappings):
// the source is cloned with open_tree(OPEN_TREE_CLONE), given a user namespace's mapping with
// mount_setattr(MOUNT_ATTR_IDMAP) and moved onto the target with move_mount.
#pragma once

#include <string>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::linux_init {

struct IdmapRequest {
    std::string source;                               // host path of the bind source
    std::vector<spec::LinuxIDMapping> uid_mappings;   // containerID -> hostID, as in a uid_map
    std::vector<spec::LinuxIDMapping> gid_mappings;
    bool recursive_tree = false;  // "rbind": clone the submounts too
    bool recursive_idmap = false; // "ridmap": idmap the submounts too
};

// Mounts the idmapped clone of request.source on `target_fd` (an O_PATH fd of the mount point).
// `where` prefixes errors ("config.json: mounts[3] (/data)").
void mount_idmapped(const IdmapRequest& request, int target_fd, const std::string& where);

}  // namespace ocirun::linux_init
