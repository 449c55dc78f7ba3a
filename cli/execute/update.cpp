// ocirun update: runc's flags (or a LinuxResources JSON) -> Container::update.
//
// runc's rules, kept here: a value of 0 means "leave unchanged"; with --resources every other flag
// is ignored and only the fields runc's update copies are taken (memory limit/reservation/swap,
// cpu shares/quota/period/realtime/cpus/mems, blockIO weight, pids limit, unified).
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "execute/execute.hpp"
#include "ocirun/ocirun.hpp"
#include "ram_in_bytes.hpp"
#include "ocirun/spec_json.hpp"

namespace ocirun::cli {
namespace {

template <typename T>
void zero_is_unset(std::optional<T>& v) {
    if (v && *v == 0) v.reset();
}

// Go's strconv error text for a malformed or out-of-range number.
template <typename T>
T parse_number(const std::string& flag, const std::string& text, const char* go_func) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        throw Error("invalid value for " + flag + ": strconv." + go_func + ": parsing \"" + text +
                    "\": value out of range");
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw Error("invalid value for " + flag + ": strconv." + go_func + ": parsing \"" + text +
                    "\": invalid syntax");
    return value;
}

std::optional<std::uint64_t> flag_uint(const std::string& flag, const std::optional<std::string>& v) {
    if (!v || v->empty()) return std::nullopt;
    return parse_number<std::uint64_t>(flag, *v, "ParseUint");
}

std::optional<std::int64_t> flag_int(const std::string& flag, const std::optional<std::string>& v) {
    if (!v || v->empty()) return std::nullopt;
    return parse_number<std::int64_t>(flag, *v, "ParseInt");
}

std::optional<std::int64_t> flag_size(const std::string& flag, const std::optional<std::string>& v) {
    if (!v || v->empty()) return std::nullopt;
    if (*v == "-1") return -1;
    try {
        return parse_ram_in_bytes(*v);
    } catch (const std::invalid_argument& e) {
        throw Error("invalid value for " + flag + ": " + e.what());
    }
}

// runc refuses RDT schemas unless the kernel's resctrl filesystem is there.
void check_intel_rdt(const UpdateCommand& cmd) {
    if (!cmd.l3_cache_schema && !cmd.mem_bw_schema) return;
    std::error_code ec;
    const bool resctrl = std::filesystem::exists("/sys/fs/resctrl/schemata", ec);
    if (cmd.l3_cache_schema && !resctrl) throw Error("Intel RDT/CAT: l3 cache schema is not enabled");
    if (cmd.mem_bw_schema && !resctrl) throw Error("Intel RDT/MBA: memory bandwidth schema is not enabled");
    throw NotImplemented("--l3-cache-schema/--mem-bw-schema: ocirun has no Intel RDT support yet");
}

spec::LinuxResources from_flags(const UpdateCommand& cmd) {
    spec::LinuxResources r;
    spec::LinuxMemory m;
    m.limit = flag_size("memory", cmd.memory);
    m.swap = flag_size("memory-swap", cmd.memory_swap);
    m.reservation = flag_size("memory-reservation", cmd.memory_reservation);
    m.kernel = flag_size("kernel-memory", cmd.kernel_memory);  // the driver warns and ignores them
    m.kernelTCP = flag_size("kernel-memory-tcp", cmd.kernel_memory_tcp);
    spec::LinuxCPU c;
    c.period = flag_uint("cpu-period", cmd.cpu_period);
    c.realtimePeriod = flag_uint("cpu-rt-period", cmd.cpu_rt_period);
    c.shares = flag_uint("cpu-share", cmd.cpu_share);
    c.quota = flag_int("cpu-quota", cmd.cpu_quota);
    c.realtimeRuntime = flag_int("cpu-rt-runtime", cmd.cpu_rt_runtime);
    c.cpus = cmd.cpuset_cpus.value_or("");
    c.mems = cmd.cpuset_mems.value_or("");
    r.memory = m;
    r.cpu = c;
    if (auto w = flag_uint("blkio-weight", cmd.blkio_weight)) {
        if (*w > 0xffff) throw Error("invalid value for blkio-weight: " + std::to_string(*w) + " is out of range");
        r.blockIO.emplace().weight = static_cast<std::uint16_t>(*w);
    }
    if (auto p = flag_int("pids-limit", cmd.pids_limit)) r.pids.emplace().limit = *p;
    return r;
}

spec::LinuxResources read_resources(const std::string& source) {
    if (source != "-") return spec::load_resources_file(source);
    const std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    return spec::parse_resources(text, "standard input");
}

spec::LinuxResources from_json(const std::string& source) {
    const spec::LinuxResources parsed = read_resources(source);
    spec::LinuxResources r;
    if (parsed.memory) {
        auto& m = r.memory.emplace();
        m.limit = parsed.memory->limit;
        m.reservation = parsed.memory->reservation;
        m.swap = parsed.memory->swap;
    }
    if (parsed.cpu) {
        auto& c = r.cpu.emplace();
        const auto& p = *parsed.cpu;
        c.shares = p.shares;
        c.quota = p.quota;
        c.period = p.period;
        c.realtimeRuntime = p.realtimeRuntime;
        c.realtimePeriod = p.realtimePeriod;
        c.cpus = p.cpus;
        c.mems = p.mems;
    }
    if (parsed.blockIO && parsed.blockIO->weight) r.blockIO.emplace().weight = parsed.blockIO->weight;
    if (parsed.pids) r.pids = parsed.pids;
    r.unified = parsed.unified;
    return r;
}

// Zero values are "unchanged" for runc; drop groups that end up empty.
void drop_unchanged(spec::LinuxResources& r) {
    if (r.memory) {
        zero_is_unset(r.memory->limit);
        zero_is_unset(r.memory->reservation);
        zero_is_unset(r.memory->swap);
        if (!r.memory->limit && !r.memory->reservation && !r.memory->swap) r.memory.reset();
    }
    if (r.cpu) {
        auto& c = *r.cpu;
        zero_is_unset(c.shares);
        zero_is_unset(c.quota);
        zero_is_unset(c.period);
        zero_is_unset(c.realtimeRuntime);
        zero_is_unset(c.realtimePeriod);
        if (!c.shares && !c.quota && !c.period && !c.realtimeRuntime && !c.realtimePeriod &&
            c.cpus.empty() && c.mems.empty())
            r.cpu.reset();
    }
    if (r.blockIO) {
        zero_is_unset(r.blockIO->weight);
        if (!r.blockIO->weight) r.blockIO.reset();
    }
    if (r.pids) {
        zero_is_unset(r.pids->limit);
        if (!r.pids->limit) r.pids.reset();
    }
}

}  // namespace

int execute_update(const GlobalOptions& g, const UpdateCommand& cmd) {
    Runtime rt(runtime_options(g));
    Container c = rt.open(cmd.id);
    spec::LinuxResources changes;
    if (!cmd.resources.empty()) {
        changes = from_json(cmd.resources);
    } else {
        changes = from_flags(cmd);
        check_intel_rdt(cmd);
    }
    drop_unchanged(changes);
    c.update(changes);
    return 0;
}

}  // namespace ocirun::cli
