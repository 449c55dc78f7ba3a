// One container's cgroup on a v1 (or hybrid) host: a directory per joined hierarchy, plus the
// unified one on hybrid hosts (joined, never given resources, like runc).
#pragma once

#include "cgroupfs_cgroup.hpp"

namespace ocirun::cgroups::v1 {

inline constexpr const char* kDriverName = "cgroups-v1";

class V1Cgroup final : public CgroupfsCgroup {
public:
    using CgroupfsCgroup::CgroupfsCgroup;

    void add_process(pid_t pid) override;
    void set_resources(const spec::LinuxResources& resources) override;
    std::vector<pid_t> pids() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    void kill_all(int signal) override;
    std::string stats_json() const override;
    int open_oom_notifier() override;

    // Enforce `rules` plus the default allowed devices (set_resources only touches devices when
    // the resources name rules, so that an update without them keeps the current ones).
    void set_devices(const std::vector<spec::LinuxDeviceCgroup>& rules);

private:
    // The directory of `controller`, or "" when the host does not mount it.
    std::string dir_of(const std::string& controller) const;
    void write_freezer_state(const char* state);
    bool unified_frozen() const;
    void thaw_unified();
};

}  // namespace ocirun::cgroups::v1
