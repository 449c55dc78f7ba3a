// cpu: shares, CFS quota/period/burst, idle, realtime runtime/period; throttling stats.
#include "cgroup_files.hpp"
#include "v1_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class Cpu final : public Controller {
public:
    const char* name() const override { return "cpu"; }
    const char* field() const override { return "linux.resources.cpu"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.cpu) return false;
        const auto& c = *r.cpu;
        return (c.shares && *c.shares) || (c.quota && *c.quota) || (c.period && *c.period) ||
               c.burst || c.idle || (c.realtimeRuntime && *c.realtimeRuntime) ||
               (c.realtimePeriod && *c.realtimePeriod);
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& c = *r.cpu;
        // Realtime first: runc sets it before a process joins, the kernel refuses RT tasks
        // in a cgroup without runtime.
        if (c.realtimePeriod && *c.realtimePeriod)
            write_text(dir / "cpu.rt_period_us", std::to_string(*c.realtimePeriod));
        if (c.realtimeRuntime && *c.realtimeRuntime)
            write_text(dir / "cpu.rt_runtime_us", std::to_string(*c.realtimeRuntime));
        if (c.shares && *c.shares) {
            write_text(dir / "cpu.shares", std::to_string(*c.shares));
            // The kernel clamps shares silently; runc reports the clamp as an error.
            std::uint64_t actual = read_u64(dir / "cpu.shares");
            if (actual < *c.shares)
                throw InvalidConfig("linux.resources.cpu.shares", "the maximum allowed cpu-shares is " + std::to_string(actual));
            if (actual > *c.shares)
                throw InvalidConfig("linux.resources.cpu.shares", "the minimum allowed cpu-shares is " + std::to_string(actual));
        }
        apply_quota_period(dir, c);
        if (c.burst) {
            if (!std::filesystem::exists(dir / "cpu.cfs_burst_us"))
                throw InvalidConfig("linux.resources.cpu.burst", "this kernel has no cpu.cfs_burst_us", ErrorKind::HostUnsupported);
            write_text(dir / "cpu.cfs_burst_us", std::to_string(*c.burst));
        }
        if (c.idle) {
            if (!std::filesystem::exists(dir / "cpu.idle"))
                throw InvalidConfig("linux.resources.cpu.idle", "this kernel has no cpu.idle", ErrorKind::HostUnsupported);
            write_text(dir / "cpu.idle", std::to_string(*c.idle));
        }
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto st = read_flat_keyed(dir / "cpu.stat");
        s.throttling.periods = st["nr_periods"];
        s.throttling.throttled_periods = st["nr_throttled"];
        s.throttling.throttled_time = st["throttled_time"];
    }

private:
    // The kernel checks quota against period at each write; like runc, if the period write is
    // refused, write the quota first and retry.
    static void apply_quota_period(const fs::path& dir, const spec::LinuxCPU& c) {
        bool period = c.period && *c.period;
        bool quota = c.quota && *c.quota;
        if (period) {
            try {
                write_text(dir / "cpu.cfs_period_us", std::to_string(*c.period));
            } catch (const Error&) {
                if (!quota) throw;
                write_text(dir / "cpu.cfs_quota_us", std::to_string(*c.quota));
                write_text(dir / "cpu.cfs_period_us", std::to_string(*c.period));
                return;
            }
        }
        if (quota) write_text(dir / "cpu.cfs_quota_us", std::to_string(*c.quota));
    }
};

}  // namespace

std::unique_ptr<Controller> make_cpu_controller() { return std::make_unique<Cpu>(); }

}  // namespace ocirun::cgroups::v1
