#include "ocirun_host/cgroup_mode.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

namespace ocirun::host {
namespace {

bool is_fs_type(const std::string& path, long magic) {
    struct statfs st {};
    return ::statfs(path.c_str(), &st) == 0 && static_cast<long>(st.f_type) == magic;
}

}  // namespace

CgroupMode cgroup_mode(const std::string& root) {
    if (is_fs_type(root, CGROUP2_SUPER_MAGIC)) return CgroupMode::Unified;
    // v1 hierarchies are mounted below a tmpfs; a v1 mount at the root itself also counts.
    if (!is_fs_type(root, TMPFS_MAGIC) && !is_fs_type(root, CGROUP_SUPER_MAGIC)) return CgroupMode::None;
    if (is_fs_type(root + "/unified", CGROUP2_SUPER_MAGIC)) return CgroupMode::Hybrid;
    return CgroupMode::Legacy;
}

std::string cgroup_driver_for(CgroupMode mode) {
    switch (mode) {
        case CgroupMode::Unified: return "cgroups-v2";
        case CgroupMode::Legacy:
        case CgroupMode::Hybrid: return "cgroups-v1";
        case CgroupMode::None: break;
    }
    return "";
}

}  // namespace ocirun::host
