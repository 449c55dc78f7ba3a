// cpuset: cpuset.cpus and cpuset.mems, the same files on v1 and v2. On v1 a new cpuset
// directory starts empty and refuses tasks, so every directory the driver creates gets its
// parent's values first (runc's ensureParent); v2 cpusets inherit effective values. Stats are
// v1's (runc reports no cpuset stats on v2).
#include "cgroup_files.hpp"
#include "controller.hpp"

namespace ocirun::cgroups {
namespace {

class CpuSet final : public Controller {
public:
    explicit CpuSet(CgroupVersion version) : v1_(version == CgroupVersion::V1) {}

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
    void prepare_new_dir(const fs::path& dir) const override {
        if (!v1_) return;
        for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
            auto own = read_trimmed_if_exists(dir / file);
            if (own && own->empty()) {
                auto parent = read_trimmed_if_exists(dir.parent_path() / file);
                if (parent && !parent->empty()) write_text(dir / file, *parent);
            }
        }
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        if (!r.cpu->cpus.empty()) write_text(dir / "cpuset.cpus", r.cpu->cpus);
        if (!r.cpu->mems.empty()) write_text(dir / "cpuset.mems", r.cpu->mems);
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        if (!v1_) return;
        auto& c = s.cpuset;
        c.present = true;
        c.cpus = parse_cpu_list(read_trimmed_if_exists(dir / "cpuset.effective_cpus").value_or(""), "cpuset.effective_cpus");
        c.mems = parse_cpu_list(read_trimmed_if_exists(dir / "cpuset.effective_mems").value_or(""), "cpuset.effective_mems");
        c.cpu_exclusive = read_u64_or(dir / "cpuset.cpu_exclusive", 0);
        c.mem_hardwall = read_u64_or(dir / "cpuset.mem_hardwall", 0);
        c.mem_exclusive = read_u64_or(dir / "cpuset.mem_exclusive", 0);
        c.memory_migrate = read_u64_or(dir / "cpuset.memory_migrate", 0);
        c.memory_spread_page = read_u64_or(dir / "cpuset.memory_spread_page", 0);
        c.memory_spread_slab = read_u64_or(dir / "cpuset.memory_spread_slab", 0);
        c.memory_pressure = read_u64_or(dir / "cpuset.memory_pressure", 0);
        c.sched_load_balance = read_u64_or(dir / "cpuset.sched_load_balance", 0);
        auto relax = read_trimmed_if_exists(dir / "cpuset.sched_relax_domain_level");
        c.sched_relax_domain_level = relax ? std::stoll(*relax) : 0;
    }

private:
    bool v1_;
};

}  // namespace

std::unique_ptr<Controller> make_cpuset_controller(CgroupVersion version) { return std::make_unique<CpuSet>(version); }

}  // namespace ocirun::cgroups
