// memory: limit, reservation (soft limit), memory+swap, swappiness, OOM killer; kernel and
// kernelTCP are ignored with a warning like runc 1.1 (the kernel deprecated kmem limits).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "cgroup_files.hpp"
#include "v1_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v1 {
namespace {

bool has_swap_accounting(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "memory.memsw.limit_in_bytes", ec);
}

class Memory final : public Controller {
public:
    const char* name() const override { return "memory"; }
    const char* field() const override { return "linux.resources.memory"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.memory) return false;
        const auto& m = *r.memory;
        return m.limit || m.reservation || m.swap || m.swappiness || m.disableOOMKiller.value_or(false);
    }
    void validate(const spec::LinuxResources& r) const override {
        if (!r.memory) return;
        if (r.memory->swappiness && *r.memory->swappiness > 100)
            throw InvalidConfig("linux.resources.memory.swappiness", "invalid value " +
                        std::to_string(*r.memory->swappiness) + ", valid range is 0-100");
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& m = *r.memory;
        if (m.kernel || m.kernelTCP)
            std::fprintf(stderr, "warning: linux.resources.memory.kernel and kernelTCP are ignored "
                                 "(kernel memory limits are deprecated)\n");
        apply_limit_and_swap(dir, m.limit.value_or(0), m.swap.value_or(0));
        if (m.reservation && *m.reservation != 0)
            write_text(dir / "memory.soft_limit_in_bytes", std::to_string(*m.reservation));
        if (m.disableOOMKiller.value_or(false)) write_text(dir / "memory.oom_control", "1");
        if (m.swappiness) write_text(dir / "memory.swappiness", std::to_string(*m.swappiness));
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto& mem = s.memory;
        mem.raw = read_flat_keyed(dir / "memory.stat");
        if (auto it = mem.raw.find("cache"); it != mem.raw.end()) mem.cache = it->second;
        mem.usage = entry(dir, "memory");
        mem.swap = entry(dir, "memory.memsw");
        mem.kernel = entry(dir, "memory.kmem");
        mem.kernel_tcp = entry(dir, "memory.kmem.tcp");
    }

private:
    // runc's setMemoryAndSwap: the kernel requires limit <= memsw.limit at every step, so the
    // order of the two writes depends on whether the new swap limit is above the current limit.
    static void apply_limit_and_swap(const fs::path& dir, std::int64_t limit, std::int64_t swap) {
        if (limit == -1 && swap == 0 && has_swap_accounting(dir)) swap = -1;
        auto set_limit = [&] {
            if (limit == 0) return;
            try {
                write_text(dir / "memory.limit_in_bytes", std::to_string(limit));
            } catch (const Error& e) {
                throw InvalidConfig("linux.resources.memory.limit", "unable to set memory limit to " +
                            std::to_string(limit) + " (current usage " +
                            std::to_string(read_u64_or(dir / "memory.usage_in_bytes", 0)) + "): " + e.what());
            }
        };
        auto set_swap = [&] {
            if (swap == 0) return;
            if (!has_swap_accounting(dir))
                throw InvalidConfig("linux.resources.memory.swap", "swap accounting is not enabled in this "
                            "kernel (no memory.memsw.limit_in_bytes)");
            write_text(dir / "memory.memsw.limit_in_bytes", std::to_string(swap));
        };
        if (limit != 0 && swap != 0) {
            std::uint64_t current = read_u64(dir / "memory.limit_in_bytes");
            if (swap == -1 || current < static_cast<std::uint64_t>(swap)) {
                set_swap();
                set_limit();
                return;
            }
        }
        set_limit();
        set_swap();
    }

    static MemoryEntry entry(const fs::path& dir, const std::string& prefix) {
        MemoryEntry e;
        e.usage = read_u64_or(dir / (prefix + ".usage_in_bytes"), 0);
        e.max = read_u64_or(dir / (prefix + ".max_usage_in_bytes"), 0);
        e.failcnt = read_u64_or(dir / (prefix + ".failcnt"), 0);
        e.limit = read_u64_or(dir / (prefix + ".limit_in_bytes"), 0);
        return e;
    }
};

}  // namespace

std::unique_ptr<Controller> make_memory_controller() { return std::make_unique<Memory>(); }

}  // namespace ocirun::cgroups::v1
