#include "plugin/cgroup_mode.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

namespace ocirun::plugin_detail {

std::string auto_cgroup_driver_name(const std::filesystem::path& mount_point) {
    struct statfs fs {};
    // A host without /sys/fs/cgroup gets the v1 driver, whose own errors then name the problem.
    if (::statfs(mount_point.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return "cgroups-v2";
    return "cgroups-v1";
}

}  // namespace ocirun::plugin_detail
