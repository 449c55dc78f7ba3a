#include "stats_json.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

namespace json = boost::json;

// Go's omitempty drops zero numbers and empty lists; the helpers mirror the tags of runc's types.
static void put_nonzero(json::object& o, const char* key, std::uint64_t v) {
    if (v != 0) o[key] = v;
}
static void put_list(json::object& o, const char* key, const std::vector<std::uint64_t>& v) {
    if (v.empty()) return;
    json::array a;
    for (auto x : v) a.emplace_back(x);
    o[key] = std::move(a);
}

static json::object memory_entry(const MemoryEntry& e) {
    json::object o;
    o["limit"] = e.limit;
    put_nonzero(o, "usage", e.usage);
    put_nonzero(o, "max", e.max);
    o["failcnt"] = e.failcnt;
    return o;
}

static void put_blkio(json::object& o, const char* key, const std::vector<BlkioEntry>& entries) {
    if (entries.empty()) return;
    json::array a;
    for (const auto& e : entries) {
        json::object x;
        put_nonzero(x, "major", e.major);
        put_nonzero(x, "minor", e.minor);
        if (!e.op.empty()) x["op"] = e.op;
        put_nonzero(x, "value", e.value);
        a.emplace_back(std::move(x));
    }
    o[key] = std::move(a);
}

std::string stats_to_json(const Stats& s) {
    json::object data;

    json::object usage;
    put_nonzero(usage, "total", s.cpu_usage.total);
    put_list(usage, "percpu", s.cpu_usage.percpu);
    put_list(usage, "percpu_kernel", s.cpu_usage.percpu_kernel);
    put_list(usage, "percpu_user", s.cpu_usage.percpu_user);
    usage["kernel"] = s.cpu_usage.kernel;
    usage["user"] = s.cpu_usage.user;
    json::object throttling;
    put_nonzero(throttling, "periods", s.throttling.periods);
    put_nonzero(throttling, "throttled_periods", s.throttling.throttled_periods);
    put_nonzero(throttling, "throttled_time", s.throttling.throttled_time);
    data["cpu"] = json::object{{"usage", std::move(usage)}, {"throttling", std::move(throttling)}};

    if (s.cpuset.present) {
        const auto& c = s.cpuset;
        json::object o;
        put_list(o, "cpus", c.cpus);
        o["cpu_exclusive"] = c.cpu_exclusive;
        put_list(o, "mems", c.mems);
        o["mem_hardwall"] = c.mem_hardwall;
        o["mem_exclusive"] = c.mem_exclusive;
        o["memory_migrate"] = c.memory_migrate;
        o["memory_spread_page"] = c.memory_spread_page;
        o["memory_spread_slab"] = c.memory_spread_slab;
        o["memory_pressure"] = c.memory_pressure;
        o["sched_load_balance"] = c.sched_load_balance;
        o["sched_relax_domain_level"] = c.sched_relax_domain_level;
        data["cpuset"] = std::move(o);
    }

    json::object memory;
    put_nonzero(memory, "cache", s.memory.cache);
    memory["usage"] = memory_entry(s.memory.usage);
    memory["swap"] = memory_entry(s.memory.swap);
    memory["kernel"] = memory_entry(s.memory.kernel);
    memory["kernelTCP"] = memory_entry(s.memory.kernel_tcp);
    if (!s.memory.raw.empty()) {
        json::object raw;
        for (const auto& [k, v] : s.memory.raw) raw[k] = v;
        memory["raw"] = std::move(raw);
    }
    data["memory"] = std::move(memory);

    json::object pids;
    put_nonzero(pids, "current", s.pids_current);
    put_nonzero(pids, "limit", s.pids_limit);
    data["pids"] = std::move(pids);

    json::object blkio;
    put_blkio(blkio, "ioServiceBytesRecursive", s.blkio.service_bytes);
    put_blkio(blkio, "ioServicedRecursive", s.blkio.serviced);
    put_blkio(blkio, "ioQueueRecursive", s.blkio.queued);
    put_blkio(blkio, "ioServiceTimeRecursive", s.blkio.service_time);
    put_blkio(blkio, "ioWaitTimeRecursive", s.blkio.wait_time);
    put_blkio(blkio, "ioMergedRecursive", s.blkio.merged);
    put_blkio(blkio, "ioTimeRecursive", s.blkio.time);
    put_blkio(blkio, "sectorsRecursive", s.blkio.sectors);
    data["blkio"] = std::move(blkio);

    json::object hugetlb;
    for (const auto& [size, e] : s.hugetlb) {
        json::object o;
        put_nonzero(o, "usage", e.usage);
        put_nonzero(o, "max", e.max);
        o["failcnt"] = e.failcnt;
        hugetlb[size] = std::move(o);
    }
    data["hugetlb"] = std::move(hugetlb);
    // Not cgroup data, but part of runc's object: the core may fill them in.
    data["intel_rdt"] = json::object{};
    data["network_interfaces"] = nullptr;
    return json::serialize(data);
}

std::vector<std::uint64_t> parse_cpu_list(const std::string& list, const std::string& what) {
    std::vector<std::uint64_t> out;
    std::istringstream in(list);
    std::string part;
    try {
        while (std::getline(in, part, ',')) {
            while (!part.empty() && (part.back() == '\n' || part.back() == ' ')) part.pop_back();
            if (part.empty()) continue;
            auto dash = part.find('-');
            std::uint64_t lo = std::stoull(part.substr(0, dash));
            std::uint64_t hi = dash == std::string::npos ? lo : std::stoull(part.substr(dash + 1));
            if (hi < lo || hi - lo > 65536) throw std::invalid_argument("range");
            for (auto i = lo; i <= hi; ++i) out.push_back(i);
        }
    } catch (const std::exception&) {
        throw Error(what + ": invalid list \"" + list + "\"");
    }
    return out;
}

std::vector<std::string> host_hugepage_sizes() {
    std::vector<std::string> sizes;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/kernel/mm/hugepages", ec)) {
        auto name = entry.path().filename().string();  // hugepages-2048kB
        if (name.rfind("hugepages-", 0) != 0) continue;
        std::uint64_t kb = std::stoull(name.substr(10));
        // runc names sizes with the largest unit that divides them: KB, MB, GB.
        if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0) sizes.push_back(std::to_string(kb / (1024 * 1024)) + "GB");
        else if (kb >= 1024 && kb % 1024 == 0) sizes.push_back(std::to_string(kb / 1024) + "MB");
        else sizes.push_back(std::to_string(kb) + "KB");
    }
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

}  // namespace ocirun::cgroups
