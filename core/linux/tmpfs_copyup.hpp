// Mount option "tmpcopyup" (tmpfs only): the directory's contents are copied into the new tmpfs.
#pragma once

#include <string>

#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

// Before the tmpfs is mounted: a real (not O_PATH) fd of the directory it will cover, which keeps
// the old contents reachable afterwards. `proc_path` is the resolved target's /proc/self/fd path.
UniqueFd open_copyup_source(const std::string& proc_path, const std::string& where);
// After the mount: copies everything under `source_dir_fd` into the tmpfs at `mounted_proc_path`.
void copy_up(int source_dir_fd, const std::string& mounted_proc_path, const std::string& where);

}  // namespace ocirun::linux_init
