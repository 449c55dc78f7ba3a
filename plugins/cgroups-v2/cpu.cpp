// cpu: shares -> cpu.weight, quota/period -> cpu.max, burst -> cpu.max.burst, idle -> cpu.idle.
#include "cgroup_files.hpp"
#include "v2_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {

std::uint64_t cpu_shares_to_weight(std::uint64_t shares) {
    // runc's ConvertCPUSharesToCgroupV2Value: maps [2, 262144] onto [1, 10000].
    if (shares == 0) return 0;
    return 1 + ((shares - 2) * 9999) / 262142;
}

namespace {

class Cpu final : public Controller {
public:
    const char* name() const override { return "cpu"; }
    const char* field() const override { return "linux.resources.cpu"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.cpu) return false;
        const auto& c = *r.cpu;
        return (c.shares && *c.shares) || (c.quota && *c.quota) || (c.period && *c.period) || c.burst || c.idle;
    }
    void validate(const spec::LinuxResources& r) const override {
        if (r.cpu && ((r.cpu->realtimeRuntime && *r.cpu->realtimeRuntime) || (r.cpu->realtimePeriod && *r.cpu->realtimePeriod)))
            throw InvalidConfig("linux.resources.cpu.realtimeRuntime/realtimePeriod", "realtime scheduling is not supported on cgroup v2", ErrorKind::HostUnsupported);
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& c = *r.cpu;
        if (c.idle) write_text(dir / "cpu.idle", std::to_string(*c.idle));
        if (c.shares && *c.shares) write_text(dir / "cpu.weight", std::to_string(cpu_shares_to_weight(*c.shares)));
        if ((c.quota && *c.quota) || (c.period && *c.period)) {
            // cpu.max is "quota period"; a negative quota is "max". Period alone keeps the quota.
            std::string quota = "max";
            if (c.quota && *c.quota > 0) quota = std::to_string(*c.quota);
            std::string line = quota;
            if (c.period && *c.period) line += " " + std::to_string(*c.period);
            write_text(dir / "cpu.max", line);
        }
        if (c.burst) write_text(dir / "cpu.max.burst", std::to_string(*c.burst));
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto st = read_flat_keyed(dir / "cpu.stat");
        s.cpu_usage.total = st["usage_usec"] * 1000;
        s.cpu_usage.user = st["user_usec"] * 1000;
        s.cpu_usage.kernel = st["system_usec"] * 1000;
        s.throttling.periods = st["nr_periods"];
        s.throttling.throttled_periods = st["nr_throttled"];
        s.throttling.throttled_time = st["throttled_usec"] * 1000;
    }
};

}  // namespace

std::unique_ptr<Controller> make_cpu_controller() { return std::make_unique<Cpu>(); }

}  // namespace ocirun::cgroups::v2
