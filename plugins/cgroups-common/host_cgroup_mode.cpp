#include "host_cgroup_mode.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <sstream>

#include "cgroup_files.hpp"

namespace ocirun::cgroups {

static bool is_fs_type(const char* path, long magic) {
    struct statfs st {};
    return ::statfs(path, &st) == 0 && static_cast<long>(st.f_type) == magic;
}

HostCgroupMode host_cgroup_mode() {
    if (is_fs_type(kCgroupRoot, CGROUP2_SUPER_MAGIC)) return HostCgroupMode::Unified;
    if (!is_fs_type(kCgroupRoot, TMPFS_MAGIC) && !is_fs_type(kCgroupRoot, CGROUP_SUPER_MAGIC))
        return HostCgroupMode::None;
    if (is_fs_type(kHybridUnifiedRoot, CGROUP2_SUPER_MAGIC)) return HostCgroupMode::Hybrid;
    return HostCgroupMode::Legacy;
}

bool running_in_user_namespace() {
    auto map = read_trimmed_if_exists("/proc/self/uid_map");
    if (!map) return false;
    std::istringstream in(*map);
    unsigned long inside = 0, outside = 0, count = 0;
    in >> inside >> outside >> count;
    return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

}  // namespace ocirun::cgroups
