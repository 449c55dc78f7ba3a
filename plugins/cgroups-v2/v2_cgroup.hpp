// One container's cgroup on cgroup v2: a single directory.
#pragma once

#include "ocirun/plugin.hpp"
#include "saved_cgroup.hpp"

namespace ocirun::cgroups::v2 {

inline constexpr const char* kDriverName = "cgroups-v2";

class V2Cgroup final : public plugin::Cgroup {
public:
    explicit V2Cgroup(SavedCgroup saved) : saved_(std::move(saved)) {}

    void add_process(pid_t pid) override;
    void set_resources(const spec::LinuxResources& resources) override;
    std::vector<pid_t> pids() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    void kill_all(int signal) override;
    std::string stats_json() const override;
    void destroy() override;
    std::string save() const override;
    std::map<std::string, std::string> paths() const override { return saved_.paths; }

    const std::string& dir() const { return saved_.paths.at(""); }

private:
    void set_frozen(bool frozen);
    SavedCgroup saved_;
};

}  // namespace ocirun::cgroups::v2
