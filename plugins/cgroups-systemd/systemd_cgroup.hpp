// One container's cgroup under systemd: a transient scope unit whose cgroup directories are
// driven, for everything but the unit's lifetime and properties, by the v1 or v2 driver's
// cgroup code (V1Cgroup/V2Cgroup): pids, freeze, kill, stats, OOM events, and the knobs systemd
// does not own.
#pragma once

#include <memory>
#include <string>

#include "ocirun/plugin.hpp"

namespace ocirun::cgroups::systemd {

inline constexpr const char* kDriverName = "cgroups-systemd";

class SystemdCgroup final : public plugin::Cgroup {
public:
    SystemdCgroup(std::string unit, bool unified, std::unique_ptr<plugin::Cgroup> files)
        : unit_(std::move(unit)), unified_(unified), files_(std::move(files)) {}

    // Reopen from save() text (no D-Bus connection until a call needs systemd).
    static std::unique_ptr<SystemdCgroup> from_saved(const std::string& text);

    void add_process(pid_t pid) override { files_->add_process(pid); }
    // exec --cgroup: the scope is delegated (Delegate=yes), so its subtree is ours to write,
    // as runc writes cgroup.procs under a systemd scope too.
    void add_process_to_sub(pid_t pid, const std::map<std::string, std::string>& sub_paths) override {
        files_->add_process_to_sub(pid, sub_paths);
    }
    // SetUnitProperties for the knobs systemd owns, then every knob written to the files.
    void set_resources(const spec::LinuxResources& resources) override;
    std::vector<pid_t> pids() const override { return files_->pids(); }
    void freeze() override { files_->freeze(); }
    void thaw() override { files_->thaw(); }
    bool frozen() const override { return files_->frozen(); }
    void kill_all(int signal) override { files_->kill_all(signal); }
    std::string stats_json() const override { return files_->stats_json(); }
    int open_oom_notifier() override { return files_->open_oom_notifier(); }
    // StopUnit (a unit systemd already collected is fine), then the directories ocirun made
    // itself (v1 hierarchies systemd does not manage) and whatever systemd left.
    void destroy() override;
    std::string save() const override;
    std::map<std::string, std::string> paths() const override { return files_->paths(); }

    const std::string& unit() const { return unit_; }

private:
    std::string unit_;
    bool unified_;
    std::unique_ptr<plugin::Cgroup> files_;  // V2Cgroup or V1Cgroup on the scope's directories
};

}  // namespace ocirun::cgroups::systemd
