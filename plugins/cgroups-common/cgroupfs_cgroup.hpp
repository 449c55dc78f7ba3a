// What a v1 and a v2 cgroup have alike: the directories they saved (SavedCgroup), kept by the
// core as save() text and removed by destroy(), and `exec --cgroup` into their sub-cgroups.
#pragma once

#include "ocirun/plugin.hpp"
#include "saved_cgroup.hpp"

namespace ocirun::cgroups {

class CgroupfsCgroup : public plugin::Cgroup {
public:
    explicit CgroupfsCgroup(SavedCgroup saved) : saved_(std::move(saved)) {}

    // Writes pid into the cgroup.procs of each sub-cgroup that applies.
    void add_process_to_sub(pid_t pid, const std::map<std::string, std::string>& sub_paths) override;
    void destroy() override;
    std::string save() const override { return to_text(saved_); }
    std::map<std::string, std::string> paths() const override { return saved_.paths; }

protected:
    SavedCgroup saved_;
};

}  // namespace ocirun::cgroups
