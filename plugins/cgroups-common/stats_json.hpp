// runc's `events --stats` "data" object (runc's types/events.go), filled by the controllers of
// either driver and serialised with runc's field names and omitempty rules.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocirun::cgroups {

struct CpuUsage {
    std::uint64_t total = 0, kernel = 0, user = 0;
    std::vector<std::uint64_t> percpu, percpu_kernel, percpu_user;
};
struct Throttling {
    std::uint64_t periods = 0, throttled_periods = 0, throttled_time = 0;
};
struct CpuSetStats {
    bool present = false;
    std::vector<std::uint64_t> cpus, mems;
    std::uint64_t cpu_exclusive = 0, mem_hardwall = 0, mem_exclusive = 0, memory_migrate = 0,
                  memory_spread_page = 0, memory_spread_slab = 0, memory_pressure = 0,
                  sched_load_balance = 0;
    std::int64_t sched_relax_domain_level = 0;
};
struct MemoryEntry {
    std::uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};
struct MemoryStats {
    std::uint64_t cache = 0;
    MemoryEntry usage, swap, kernel, kernel_tcp;
    std::map<std::string, std::uint64_t> raw;
};
struct BlkioEntry {
    std::uint64_t major = 0, minor = 0;
    std::string op;
    std::uint64_t value = 0;
};
struct BlkioStats {
    std::vector<BlkioEntry> service_bytes, serviced, queued, service_time, wait_time, merged, time,
        sectors;
};
struct HugetlbEntry {
    std::uint64_t usage = 0, max = 0, failcnt = 0;
};

struct Stats {
    CpuUsage cpu_usage;
    Throttling throttling;
    CpuSetStats cpuset;
    MemoryStats memory;
    std::uint64_t pids_current = 0, pids_limit = 0;
    BlkioStats blkio;
    std::map<std::string, HugetlbEntry> hugetlb;  // "2MB" -> entry
};

std::string stats_to_json(const Stats& stats);

// "0-2,5" -> {0,1,2,5}; throws naming `what` on malformed lists.
std::vector<std::uint64_t> parse_cpu_list(const std::string& list, const std::string& what);

// Hugepage sizes the kernel supports, in runc's naming ("2MB", "1GB"), from /sys/kernel/mm/hugepages.
std::vector<std::string> host_hugepage_sizes();

}  // namespace ocirun::cgroups
