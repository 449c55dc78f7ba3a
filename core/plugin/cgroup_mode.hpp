// Which cgroup-driver plugin fits this host when the config does not name one.
#pragma once

#include <filesystem>
#include <string>

namespace ocirun::plugin_detail {

// "cgroups-v2" when `mount_point` is a cgroup2 filesystem (unified mode), else "cgroups-v1":
// legacy and hybrid hosts use the v1 driver, which also handles the hybrid unified mount.
std::string auto_cgroup_driver_name(const std::filesystem::path& mount_point = "/sys/fs/cgroup");

// The driver --systemd-cgroup selects (never replaced by another one when it is missing).
inline constexpr const char* kSystemdCgroupDriver = "cgroups-systemd";

}  // namespace ocirun::plugin_detail
