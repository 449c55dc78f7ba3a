// One container's cgroup on cgroup v2: a single directory.
#pragma once

#include "cgroupfs_cgroup.hpp"
#include "device_rules.hpp"

namespace ocirun::cgroups::v2 {

inline constexpr const char* kDriverName = "cgroups-v2";

class V2Cgroup final : public CgroupfsCgroup {
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

    const std::string& dir() const { return saved_.paths.at(""); }

    // Replace the cgroup's device program with one enforcing `rules` plus the default allowed
    // devices (set_resources only does it when the resources name rules, so that an update
    // without them keeps the current program).
    void set_devices(const std::vector<spec::LinuxDeviceCgroup>& rules);

private:
    void set_frozen(bool frozen);
    void set_device_program(const DeviceRuleSet& rules);
};

}  // namespace ocirun::cgroups::v2
