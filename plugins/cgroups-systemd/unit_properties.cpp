#include "unit_properties.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "device_rules.hpp"
#include "ocirun/error.hpp"
#include "v2_controllers.hpp"

namespace ocirun::cgroups::systemd {
namespace {

constexpr std::uint64_t kMicrosPerSecond = 1000000;
constexpr std::uint64_t kQuotaGranularityUs = 10000;  // systemd keeps CPUQuota in 10 ms steps

// A spec limit where -1 means unlimited.
std::uint64_t limit_value(std::int64_t v) { return v < 0 ? kInfinity : static_cast<std::uint64_t>(v); }

// cpu.cfs_quota_us/period_us as CPUQuotaPeriodUSec and CPUQuotaPerSecUSec (quota per second of
// wall time, rounded up to systemd's 10 ms granularity as runc does).
void add_cpu_quota(const spec::LinuxCPU& cpu, std::vector<UnitProperty>& out) {
    const std::int64_t quota = cpu.quota.value_or(0);
    const std::uint64_t period = cpu.period.value_or(0);
    if (period != 0) out.push_back({"CPUQuotaPeriodUSec", period});
    if (quota == 0 && period == 0) return;
    if (quota < 0) {
        out.push_back({"CPUQuotaPerSecUSec", kInfinity});
        return;
    }
    if (quota == 0) return;
    const std::uint64_t effective_period = period != 0 ? period : 100000;  // the kernel's default
    std::uint64_t per_sec = static_cast<std::uint64_t>(quota) * kMicrosPerSecond / effective_period;
    if (per_sec % kQuotaGranularityUs != 0) per_sec = (per_sec / kQuotaGranularityUs + 1) * kQuotaGranularityUs;
    out.push_back({"CPUQuotaPerSecUSec", per_sec});
}

void add_cpuset(const spec::LinuxCPU& cpu, std::vector<UnitProperty>& out) {
    try {
        if (!cpu.cpus.empty()) out.push_back({"AllowedCPUs", cpu_list_mask(cpu.cpus)});
    } catch (const Error& e) {
        throw InvalidConfig("linux.resources.cpu.cpus", e.what());
    }
    try {
        if (!cpu.mems.empty()) out.push_back({"AllowedMemoryNodes", cpu_list_mask(cpu.mems)});
    } catch (const Error& e) {
        throw InvalidConfig("linux.resources.cpu.mems", e.what());
    }
}

// The name /proc/devices gives a major number ("char-pts" for 136), as systemd's DeviceAllow
// names a whole class of devices; empty when the kernel has none.
std::string device_class_name(char type, std::int64_t major) {
    std::ifstream in("/proc/devices");
    const std::string section = type == 'b' ? "Block devices:" : "Character devices:";
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line.back() == ':') {
            in_section = line == section;
            continue;
        }
        if (!in_section) continue;
        std::istringstream fields(line);
        std::int64_t number = -1;
        std::string name;
        if (fields >> number >> name && number == major) return name;
    }
    return {};
}

// One allowed device as DeviceAllow names it: "/dev/char/1:3", "char-pts", "block-*".
std::string device_allow_path(const DeviceKey& key) {
    const std::string group = key.type == 'b' ? "block" : "char";
    if (key.major == kAnyDeviceNumber) return group + "-*";
    if (key.minor == kAnyDeviceNumber) {
        const std::string name = device_class_name(key.type, key.major);
        return name.empty() ? std::string() : group + "-" + name;
    }
    // A device the kernel does not have (say tun without its module) is skipped, as runc does:
    // systemd would refuse the whole DeviceAllow entry otherwise.
    const std::string number = std::to_string(key.major) + ":" + std::to_string(key.minor);
    if (::access(("/sys/dev/" + group + "/" + number).c_str(), F_OK) != 0) return {};
    return "/dev/" + group + "/" + number;
}

}  // namespace

ByteArray cpu_list_mask(const std::string& list) {
    ByteArray mask;
    auto set_bit = [&](unsigned long bit) {
        if (mask.size() <= bit / 8) mask.resize(bit / 8 + 1, 0);
        mask[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    };
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
        if (item.empty()) continue;
        try {
            std::size_t used = 0;
            const auto dash = item.find('-');
            const unsigned long first = std::stoul(item.substr(0, dash), &used);
            const unsigned long last = dash == std::string::npos ? first : std::stoul(item.substr(dash + 1));
            if (last < first || last > 8191) throw std::out_of_range(item);
            for (unsigned long bit = first; bit <= last; ++bit) set_bit(bit);
        } catch (const std::logic_error&) {
            throw Error("invalid cpu/memory node list \"" + list + "\"");
        }
    }
    return mask;
}

std::vector<UnitProperty> resource_properties(const spec::LinuxResources& r, bool unified) {
    std::vector<UnitProperty> out;
    if (r.memory) {
        const spec::LinuxMemory& m = *r.memory;
        if (m.limit && *m.limit != 0) out.push_back({unified ? "MemoryMax" : "MemoryLimit", limit_value(*m.limit)});
        if (unified && m.reservation && *m.reservation != 0) out.push_back({"MemoryLow", limit_value(*m.reservation)});
        if (unified) {
            const std::int64_t swap = v2::memory_swap_to_v2(m.swap.value_or(0), m.limit.value_or(0));
            if (swap != 0) out.push_back({"MemorySwapMax", limit_value(swap)});
        }
    }
    if (r.cpu) {
        const spec::LinuxCPU& c = *r.cpu;
        if (c.shares && *c.shares != 0) {
            if (unified) out.push_back({"CPUWeight", v2::cpu_shares_to_weight(*c.shares)});
            else out.push_back({"CPUShares", *c.shares});
        }
        add_cpu_quota(c, out);
        add_cpuset(c, out);
    }
    if (r.pids && r.pids->limit && (*r.pids->limit > 0 || *r.pids->limit == -1))
        out.push_back({"TasksMax", limit_value(*r.pids->limit)});
    if (r.blockIO && r.blockIO->weight && *r.blockIO->weight != 0) {
        if (unified) out.push_back({"IOWeight", v2::blkio_weight_to_io_weight(*r.blockIO->weight)});
        else out.push_back({"BlockIOWeight", std::uint64_t{*r.blockIO->weight}});
    }
    return out;
}

std::vector<UnitProperty> device_properties(const std::vector<spec::LinuxDeviceCgroup>& rules, bool reset) {
    const DeviceRuleSet set = container_device_rules(rules);
    std::vector<UnitProperty> out;
    if (reset) out.push_back({"DeviceAllow", DeviceAllowList{}});
    if (set.default_allow()) {
        // Allow-all, or a deny list, which DeviceAllow cannot express: systemd restricts nothing.
        out.push_back({"DevicePolicy", std::string("auto")});
        return out;
    }
    DeviceAllowList allowed;
    for (const auto& [key, access] : set.exceptions()) {
        const std::string path = device_allow_path(key);
        if (path.empty()) continue;  // a major the kernel does not know: nothing to allow
        allowed.emplace_back(path, device_access_text(access));
    }
    out.push_back({"DevicePolicy", std::string("strict")});
    out.push_back({"DeviceAllow", std::move(allowed)});
    return out;
}

}  // namespace ocirun::cgroups::systemd
