// cpuset: cpuset.cpus and cpuset.mems (v2 cpusets inherit effective values, no copying needed).
#include "cgroup_files.hpp"
#include "controller.hpp"

namespace ocirun::cgroups::v2 {
namespace {

class CpuSet final : public Controller {
public:
    const char* name() const override { return "cpuset"; }
    const char* field() const override { return "linux.resources.cpu"; }
    bool wants(const spec::LinuxResources& r) const override {
        return r.cpu && (!r.cpu->cpus.empty() || !r.cpu->mems.empty());
    }
    void validate(const spec::LinuxResources& r) const override {
        if (!r.cpu) return;
        if (!r.cpu->cpus.empty()) parse_cpu_list(r.cpu->cpus, "linux.resources.cpu.cpus");
        if (!r.cpu->mems.empty()) parse_cpu_list(r.cpu->mems, "linux.resources.cpu.mems");
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        if (!r.cpu->cpus.empty()) write_text(dir / "cpuset.cpus", r.cpu->cpus);
        if (!r.cpu->mems.empty()) write_text(dir / "cpuset.mems", r.cpu->mems);
    }
};

}  // namespace

std::unique_ptr<Controller> make_cpuset_controller() { return std::make_unique<CpuSet>(); }

}  // namespace ocirun::cgroups::v2
