// cpuset: cpuset.cpus and cpuset.mems, the same files on v1 and v2. On v1 a new cpuset
// directory starts empty and refuses tasks, so the container's directory and its ancestors get
// their parent's values first where they have none (runc's ensureParent); v2 cpusets inherit
// effective values. Stats are
// v1's (runc reports no cpuset stats on v2).
#include <linux/magic.h>
#include <sys/vfs.h>

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
    void prepare_dir(const fs::path& dir) const override {
        if (v1_) fill_empty_cpusets(dir);
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        if (v1_) fill_empty_cpusets(dir);  // an update may meet ancestors emptied since create
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
    // v1: a cpuset with empty cpus or mems refuses tasks (ENOSPC), and a child's values must be
    // a subset of its parent's. So, like runc's ensureParent, each empty value of `dir` and of
    // every ancestor below the hierarchy's root is copied from its parent, top down; pre-existing
    // ancestors included (a caller's pod cgroup made with mkdir alone has none).
    static void fill_empty_cpusets(const fs::path& dir) {
        const fs::path parent = dir.parent_path();
        if (parent.empty() || parent == dir || !is_cgroup_v1_dir(parent)) return;  // dir is the root
        fill_empty_cpusets(parent);
        for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
            auto own = read_trimmed_if_exists(dir / file);
            if (!own || !own->empty()) continue;
            auto from_parent = read_trimmed_if_exists(parent / file);
            if (from_parent && !from_parent->empty()) write_text(dir / file, *from_parent);
        }
    }
    static bool is_cgroup_v1_dir(const fs::path& dir) {
        struct statfs fs {};
        return ::statfs(dir.c_str(), &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
    }

    bool v1_;
};

}  // namespace

std::unique_ptr<Controller> make_cpuset_controller(CgroupVersion version) { return std::make_unique<CpuSet>(version); }

}  // namespace ocirun::cgroups
