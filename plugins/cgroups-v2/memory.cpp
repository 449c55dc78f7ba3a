// memory: limit -> memory.max, reservation -> memory.low, memory+swap -> memory.swap.max
// (= swap - limit), disableOOMKiller refused like runc (v2 has no such knob); stats.
#include <limits>

#include "cgroup_files.hpp"
#include "v2_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {

std::int64_t memory_swap_to_v2(std::int64_t swap, std::int64_t limit) {
    // runc's ConvertMemorySwapToCgroupV2Value.
    if (limit == -1 && swap == 0) return -1;
    if (swap == -1 || swap == 0) return swap;
    if (limit == 0 || limit == -1)
        throw InvalidConfig("linux.resources.memory.swap", "unable to set swap limit without memory limit");
    if (limit < 0) throw InvalidConfig("linux.resources.memory.limit", "invalid memory value " + std::to_string(limit));
    if (swap < limit) throw InvalidConfig("linux.resources.memory.swap", "memory+swap limit should be >= memory limit");
    return swap - limit;
}

namespace {

std::string v2_value(std::int64_t v) { return v < 0 ? "max" : std::to_string(v); }

class Memory final : public Controller {
public:
    const char* name() const override { return "memory"; }
    const char* field() const override { return "linux.resources.memory"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.memory) return false;
        const auto& m = *r.memory;
        return m.limit || m.reservation || m.swap;
    }
    void validate(const spec::LinuxResources& r) const override {
        if (!r.memory) return;
        memory_swap_to_v2(r.memory->swap.value_or(0), r.memory->limit.value_or(0));
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& m = *r.memory;
        std::int64_t swap = memory_swap_to_v2(m.swap.value_or(0), m.limit.value_or(0));
        std::error_code ec;
        // Swap first, as runc: lowering memory.max below usage may need swap room.
        if (swap != 0 && fs::exists(dir / "memory.swap.max", ec)) write_text(dir / "memory.swap.max", v2_value(swap));
        else if (swap > 0)
            throw InvalidConfig("linux.resources.memory.swap", "swap accounting is not enabled (no memory.swap.max)", ErrorKind::HostUnsupported);
        if (m.limit && *m.limit != 0) write_text(dir / "memory.max", v2_value(*m.limit));
        if (m.reservation && *m.reservation != 0) write_text(dir / "memory.low", v2_value(*m.reservation));
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto& mem = s.memory;
        mem.raw = read_flat_keyed(dir / "memory.stat");
        mem.cache = mem.raw["file"];
        mem.usage.usage = read_u64_or(dir / "memory.current", 0);
        mem.usage.max = read_u64_or(dir / "memory.peak", 0);
        mem.usage.limit = read_u64_or(dir / "memory.max", 0);
        mem.usage.failcnt = read_flat_keyed(dir / "memory.events")["max"];
        // runc reports memory+swap in "swap", matching v1's memsw semantics.
        mem.swap.usage = read_u64_or(dir / "memory.swap.current", 0) + mem.usage.usage;
        std::uint64_t swap_max = read_u64_or(dir / "memory.swap.max", 0);
        const auto inf = std::numeric_limits<std::uint64_t>::max();
        mem.swap.limit = (swap_max == inf || mem.usage.limit == inf) ? inf : swap_max + mem.usage.limit;
    }
};

}  // namespace

std::unique_ptr<Controller> make_memory_controller() { return std::make_unique<Memory>(); }

}  // namespace ocirun::cgroups::v2
