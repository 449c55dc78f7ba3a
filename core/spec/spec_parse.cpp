// config.json (Boost.JSON) -> ocirun::spec types. Field names follow runtime-spec's
// specs-go/config.go; unknown fields are ignored, null means absent (Go's encoding/json).
#include <boost/json/value.hpp>
#include <limits>

#include "ocirun/error.hpp"
#include "spec/json_reader.hpp"
#include "spec/spec_json.hpp"
#include "util/file_io.hpp"

namespace ocirun::spec {
namespace {

namespace json = boost::json;
using json_reader::Where;

// ---- scalars ----
void read(const json::value& v, const Where& w, std::string& out) { out = json_reader::as_string(v, w); }
void read(const json::value& v, const Where& w, bool& out) { out = json_reader::as_bool(v, w); }
void read(const json::value& v, const Where& w, std::uint16_t& out) {
    out = static_cast<std::uint16_t>(json_reader::as_uint(v, w, std::numeric_limits<std::uint16_t>::max()));
}
void read(const json::value& v, const Where& w, std::uint32_t& out) {
    out = static_cast<std::uint32_t>(json_reader::as_uint(v, w, std::numeric_limits<std::uint32_t>::max()));
}
void read(const json::value& v, const Where& w, std::uint64_t& out) {
    out = json_reader::as_uint(v, w, std::numeric_limits<std::uint64_t>::max());
}
void read(const json::value& v, const Where& w, std::int32_t& out) {
    out = static_cast<std::int32_t>(json_reader::as_int(v, w, std::numeric_limits<std::int32_t>::min(),
                                                        std::numeric_limits<std::int32_t>::max()));
}
void read(const json::value& v, const Where& w, std::int64_t& out) {
    out = json_reader::as_int(v, w, std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::int64_t>::max());
}

// ---- structs (defined below; declared first so the containers can use them) ----
void read(const json::value& v, const Where& w, Box& out);
void read(const json::value& v, const Where& w, User& out);
void read(const json::value& v, const Where& w, LinuxCapabilities& out);
void read(const json::value& v, const Where& w, POSIXRlimit& out);
void read(const json::value& v, const Where& w, Scheduler& out);
void read(const json::value& v, const Where& w, IOPriority& out);
void read(const json::value& v, const Where& w, CPUAffinity& out);
void read(const json::value& v, const Where& w, Process& out);
void read(const json::value& v, const Where& w, Root& out);
void read(const json::value& v, const Where& w, LinuxIDMapping& out);
void read(const json::value& v, const Where& w, Mount& out);
void read(const json::value& v, const Where& w, Hook& out);
void read(const json::value& v, const Where& w, Hooks& out);
void read(const json::value& v, const Where& w, LinuxDeviceCgroup& out);
void read(const json::value& v, const Where& w, LinuxMemory& out);
void read(const json::value& v, const Where& w, LinuxCPU& out);
void read(const json::value& v, const Where& w, LinuxPids& out);
void read(const json::value& v, const Where& w, LinuxWeightDevice& out);
void read(const json::value& v, const Where& w, LinuxThrottleDevice& out);
void read(const json::value& v, const Where& w, LinuxBlockIO& out);
void read(const json::value& v, const Where& w, LinuxHugepageLimit& out);
void read(const json::value& v, const Where& w, LinuxInterfacePriority& out);
void read(const json::value& v, const Where& w, LinuxNetwork& out);
void read(const json::value& v, const Where& w, LinuxRdma& out);
void read(const json::value& v, const Where& w, LinuxResources& out);
void read(const json::value& v, const Where& w, LinuxSeccompArg& out);
void read(const json::value& v, const Where& w, LinuxSyscall& out);
void read(const json::value& v, const Where& w, LinuxSeccomp& out);
void read(const json::value& v, const Where& w, LinuxNamespace& out);
void read(const json::value& v, const Where& w, LinuxDevice& out);
void read(const json::value& v, const Where& w, LinuxIntelRdt& out);
void read(const json::value& v, const Where& w, LinuxPersonality& out);
void read(const json::value& v, const Where& w, LinuxTimeOffset& out);
void read(const json::value& v, const Where& w, LinuxMemoryPolicy& out);
void read(const json::value& v, const Where& w, LinuxNetDevice& out);
void read(const json::value& v, const Where& w, Linux& out);
void read(const json::value& v, const Where& w, Spec& out);

// ---- containers ----
template <class T>
void read(const json::value& v, const Where& w, std::optional<T>& out) {
    T value{};
    read(v, w, value);
    out = std::move(value);
}

template <class T>
void read(const json::value& v, const Where& w, std::vector<T>& out) {
    const auto& arr = json_reader::as_array(v, w);
    out.clear();
    out.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        T item{};
        // Go decodes a null element to the zero value.
        if (!arr[i].is_null()) read(arr[i], w.index(i), item);
        out.push_back(std::move(item));
    }
}

template <class T>
void read(const json::value& v, const Where& w, std::map<std::string, T>& out) {
    const auto& obj = json_reader::as_object(v, w);
    out.clear();
    for (const auto& kv : obj) {
        std::string key(kv.key().data(), kv.key().size());
        T item{};
        if (!kv.value().is_null()) read(kv.value(), w.key(key), item);
        out[key] = std::move(item);
    }
}

// Reads the fields of one JSON object; missing or null fields leave the target untouched.
class Fields {
public:
    Fields(const json::value& v, const Where& w) : obj_(json_reader::as_object(v, w)), where_(w) {}

    template <class T>
    Fields& get(std::string_view name, T& out) {
        if (const json::value* v = json_reader::find_field(obj_, name)) read(*v, where_.field(name), out);
        return *this;
    }

private:
    const json::object& obj_;
    const Where& where_;
};

void read(const json::value& v, const Where& w, Box& out) {
    Fields(v, w).get("height", out.height).get("width", out.width);
}

void read(const json::value& v, const Where& w, User& out) {
    Fields(v, w)
        .get("uid", out.uid)
        .get("gid", out.gid)
        .get("umask", out.umask)
        .get("additionalGids", out.additionalGids)
        .get("username", out.username);
}

void read(const json::value& v, const Where& w, LinuxCapabilities& out) {
    Fields(v, w)
        .get("bounding", out.bounding)
        .get("effective", out.effective)
        .get("inheritable", out.inheritable)
        .get("permitted", out.permitted)
        .get("ambient", out.ambient);
}

void read(const json::value& v, const Where& w, POSIXRlimit& out) {
    Fields(v, w).get("type", out.type).get("hard", out.hard).get("soft", out.soft);
}

void read(const json::value& v, const Where& w, Scheduler& out) {
    Fields(v, w)
        .get("policy", out.policy)
        .get("nice", out.nice)
        .get("priority", out.priority)
        .get("flags", out.flags)
        .get("runtime", out.runtime)
        .get("deadline", out.deadline)
        .get("period", out.period);
}

void read(const json::value& v, const Where& w, IOPriority& out) {
    Fields(v, w).get("class", out.ioClass).get("priority", out.priority);
}

void read(const json::value& v, const Where& w, CPUAffinity& out) {
    Fields(v, w).get("initial", out.initial).get("final", out.final);
}

void read(const json::value& v, const Where& w, Process& out) {
    Fields(v, w)
        .get("terminal", out.terminal)
        .get("consoleSize", out.consoleSize)
        .get("user", out.user)
        .get("args", out.args)
        .get("commandLine", out.commandLine)
        .get("env", out.env)
        .get("cwd", out.cwd)
        .get("capabilities", out.capabilities)
        .get("rlimits", out.rlimits)
        .get("noNewPrivileges", out.noNewPrivileges)
        .get("apparmorProfile", out.apparmorProfile)
        .get("oomScoreAdj", out.oomScoreAdj)
        .get("scheduler", out.scheduler)
        .get("selinuxLabel", out.selinuxLabel)
        .get("ioPriority", out.ioPriority)
        .get("execCPUAffinity", out.execCPUAffinity);
}

void read(const json::value& v, const Where& w, Root& out) {
    Fields(v, w).get("path", out.path).get("readonly", out.readonly);
}

void read(const json::value& v, const Where& w, LinuxIDMapping& out) {
    Fields(v, w).get("containerID", out.containerID).get("hostID", out.hostID).get("size", out.size);
}

void read(const json::value& v, const Where& w, Mount& out) {
    Fields(v, w)
        .get("destination", out.destination)
        .get("type", out.type)
        .get("source", out.source)
        .get("options", out.options)
        .get("uidMappings", out.uidMappings)
        .get("gidMappings", out.gidMappings);
}

void read(const json::value& v, const Where& w, Hook& out) {
    Fields(v, w).get("path", out.path).get("args", out.args).get("env", out.env).get("timeout", out.timeout);
}

void read(const json::value& v, const Where& w, Hooks& out) {
    Fields(v, w)
        .get("prestart", out.prestart)
        .get("createRuntime", out.createRuntime)
        .get("createContainer", out.createContainer)
        .get("startContainer", out.startContainer)
        .get("poststart", out.poststart)
        .get("poststop", out.poststop);
}

void read(const json::value& v, const Where& w, LinuxDeviceCgroup& out) {
    Fields(v, w)
        .get("allow", out.allow)
        .get("type", out.type)
        .get("major", out.major)
        .get("minor", out.minor)
        .get("access", out.access);
}

void read(const json::value& v, const Where& w, LinuxMemory& out) {
    Fields(v, w)
        .get("limit", out.limit)
        .get("reservation", out.reservation)
        .get("swap", out.swap)
        .get("kernel", out.kernel)
        .get("kernelTCP", out.kernelTCP)
        .get("swappiness", out.swappiness)
        .get("disableOOMKiller", out.disableOOMKiller)
        .get("useHierarchy", out.useHierarchy)
        .get("checkBeforeUpdate", out.checkBeforeUpdate);
}

void read(const json::value& v, const Where& w, LinuxCPU& out) {
    Fields(v, w)
        .get("shares", out.shares)
        .get("quota", out.quota)
        .get("burst", out.burst)
        .get("period", out.period)
        .get("realtimeRuntime", out.realtimeRuntime)
        .get("realtimePeriod", out.realtimePeriod)
        .get("cpus", out.cpus)
        .get("mems", out.mems)
        .get("idle", out.idle);
}

void read(const json::value& v, const Where& w, LinuxPids& out) { Fields(v, w).get("limit", out.limit); }

void read(const json::value& v, const Where& w, LinuxWeightDevice& out) {
    Fields(v, w)
        .get("major", out.major)
        .get("minor", out.minor)
        .get("weight", out.weight)
        .get("leafWeight", out.leafWeight);
}

void read(const json::value& v, const Where& w, LinuxThrottleDevice& out) {
    Fields(v, w).get("major", out.major).get("minor", out.minor).get("rate", out.rate);
}

void read(const json::value& v, const Where& w, LinuxBlockIO& out) {
    Fields(v, w)
        .get("weight", out.weight)
        .get("leafWeight", out.leafWeight)
        .get("weightDevice", out.weightDevice)
        .get("throttleReadBpsDevice", out.throttleReadBpsDevice)
        .get("throttleWriteBpsDevice", out.throttleWriteBpsDevice)
        .get("throttleReadIOPSDevice", out.throttleReadIOPSDevice)
        .get("throttleWriteIOPSDevice", out.throttleWriteIOPSDevice);
}

void read(const json::value& v, const Where& w, LinuxHugepageLimit& out) {
    Fields(v, w).get("pageSize", out.pageSize).get("limit", out.limit);
}

void read(const json::value& v, const Where& w, LinuxInterfacePriority& out) {
    Fields(v, w).get("name", out.name).get("priority", out.priority);
}

void read(const json::value& v, const Where& w, LinuxNetwork& out) {
    Fields(v, w).get("classID", out.classID).get("priorities", out.priorities);
}

void read(const json::value& v, const Where& w, LinuxRdma& out) {
    Fields(v, w).get("hcaHandles", out.hcaHandles).get("hcaObjects", out.hcaObjects);
}

void read(const json::value& v, const Where& w, LinuxResources& out) {
    Fields(v, w)
        .get("devices", out.devices)
        .get("memory", out.memory)
        .get("cpu", out.cpu)
        .get("pids", out.pids)
        .get("blockIO", out.blockIO)
        .get("hugepageLimits", out.hugepageLimits)
        .get("network", out.network)
        .get("rdma", out.rdma)
        .get("unified", out.unified);
}

void read(const json::value& v, const Where& w, LinuxSeccompArg& out) {
    Fields(v, w).get("index", out.index).get("value", out.value).get("valueTwo", out.valueTwo).get("op", out.op);
}

void read(const json::value& v, const Where& w, LinuxSyscall& out) {
    Fields(v, w).get("names", out.names).get("action", out.action).get("errnoRet", out.errnoRet).get("args", out.args);
}

void read(const json::value& v, const Where& w, LinuxSeccomp& out) {
    Fields(v, w)
        .get("defaultAction", out.defaultAction)
        .get("defaultErrnoRet", out.defaultErrnoRet)
        .get("architectures", out.architectures)
        .get("flags", out.flags)
        .get("listenerPath", out.listenerPath)
        .get("listenerMetadata", out.listenerMetadata)
        .get("syscalls", out.syscalls);
}

void read(const json::value& v, const Where& w, LinuxNamespace& out) {
    Fields(v, w).get("type", out.type).get("path", out.path);
}

void read(const json::value& v, const Where& w, LinuxDevice& out) {
    Fields(v, w)
        .get("path", out.path)
        .get("type", out.type)
        .get("major", out.major)
        .get("minor", out.minor)
        .get("fileMode", out.fileMode)
        .get("uid", out.uid)
        .get("gid", out.gid);
}

void read(const json::value& v, const Where& w, LinuxIntelRdt& out) {
    Fields(v, w)
        .get("closID", out.closID)
        .get("l3CacheSchema", out.l3CacheSchema)
        .get("memBwSchema", out.memBwSchema)
        .get("schemata", out.schemata)
        .get("enableMonitoring", out.enableMonitoring);
}

void read(const json::value& v, const Where& w, LinuxPersonality& out) {
    Fields(v, w).get("domain", out.domain).get("flags", out.flags);
}

void read(const json::value& v, const Where& w, LinuxTimeOffset& out) {
    Fields(v, w).get("secs", out.secs).get("nanosecs", out.nanosecs);
}

void read(const json::value& v, const Where& w, LinuxMemoryPolicy& out) {
    Fields(v, w).get("mode", out.mode).get("nodes", out.nodes).get("flags", out.flags);
}

void read(const json::value& v, const Where& w, LinuxNetDevice& out) { Fields(v, w).get("name", out.name); }

void read(const json::value& v, const Where& w, Linux& out) {
    Fields(v, w)
        .get("uidMappings", out.uidMappings)
        .get("gidMappings", out.gidMappings)
        .get("sysctl", out.sysctl)
        .get("resources", out.resources)
        .get("cgroupsPath", out.cgroupsPath)
        .get("namespaces", out.namespaces)
        .get("devices", out.devices)
        .get("netDevices", out.netDevices)
        .get("seccomp", out.seccomp)
        .get("rootfsPropagation", out.rootfsPropagation)
        .get("maskedPaths", out.maskedPaths)
        .get("readonlyPaths", out.readonlyPaths)
        .get("mountLabel", out.mountLabel)
        .get("intelRdt", out.intelRdt)
        .get("memoryPolicy", out.memoryPolicy)
        .get("personality", out.personality)
        .get("timeOffsets", out.timeOffsets);
}

void read(const json::value& v, const Where& w, Spec& out) {
    Fields(v, w)
        .get("ociVersion", out.ociVersion)
        .get("process", out.process)
        .get("root", out.root)
        .get("hostname", out.hostname)
        .get("domainname", out.domainname)
        .get("mounts", out.mounts)
        .get("hooks", out.hooks)
        .get("annotations", out.annotations)
        .get("linux", out.linuxSection);
}

template <class T>
T parse_document(std::string_view json_text, std::string_view origin) {
    json::value doc = json_reader::parse_text(json_text, origin);
    T out{};
    read(doc, Where{origin, {}}, out);
    return out;
}

}  // namespace

Spec parse_config(std::string_view json_text, std::string_view origin) {
    return parse_document<Spec>(json_text, origin);
}

std::string read_bundle_config(const std::filesystem::path& bundle) {
    const std::filesystem::path file = bundle / "config.json";
    auto text = fileio::read_file_if_exists(file);
    // runc's wording, so scripts matching it keep working.
    if (!text) throw Error("JSON specification file " + file.string() + " not found");
    return std::move(*text);
}

Spec load_bundle_config(const std::filesystem::path& bundle) {
    return parse_config(read_bundle_config(bundle), "config.json");
}

Process parse_process(std::string_view json_text, std::string_view origin) {
    return parse_document<Process>(json_text, origin);
}

LinuxResources parse_resources(std::string_view json_text, std::string_view origin) {
    return parse_document<LinuxResources>(json_text, origin);
}

Process load_process_file(const std::filesystem::path& file) {
    return parse_process(fileio::read_file(file), file.string());
}

LinuxResources load_resources_file(const std::filesystem::path& file) {
    return parse_resources(fileio::read_file(file), file.string());
}

}  // namespace ocirun::spec
