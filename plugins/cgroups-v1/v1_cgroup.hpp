// One container's cgroup on a v1 (or hybrid) host: a directory per joined hierarchy, plus the
// unified one on hybrid hosts (joined, never given resources, like runc).
#pragma once

#include "ocirun/plugin.hpp"
#include "saved_cgroup.hpp"

namespace ocirun::cgroups::v1 {

inline constexpr const char* kDriverName = "cgroups-v1";

class V1Cgroup final : public plugin::Cgroup {
public:
    explicit V1Cgroup(SavedCgroup saved) : saved_(std::move(saved)) {}

    void add_process(pid_t pid) override;
    void set_resources(const spec::LinuxResources& resources) override;
    std::vector<pid_t> pids() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    void kill_all(int signal) override;
    std::string stats_json() const override;
    int open_oom_notifier() override;
    void destroy() override;
    std::string save() const override;
    std::map<std::string, std::string> paths() const override { return saved_.paths; }

    // Enforce `rules` plus the default allowed devices (set_resources only touches devices when
    // the resources name rules, so that an update without them keeps the current ones).
    void set_devices(const std::vector<spec::LinuxDeviceCgroup>& rules);

private:
    // The directory of `controller`, or "" when the host does not mount it.
    std::string dir_of(const std::string& controller) const;
    void write_freezer_state(const char* state);
    bool unified_frozen() const;
    void thaw_unified();

    SavedCgroup saved_;
};

}  // namespace ocirun::cgroups::v1
