// ocirun::spec types -> Boost.JSON, field for field in the order of runtime-spec's
// specs-go/config.go, with Go's omitempty: `ocirun spec` then reads like `runc spec`.
// Fields Go always writes (no omitempty) use put(); optional ones use omit_empty().
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "spec/spec_json.hpp"

namespace ocirun::spec {
namespace {

namespace json = boost::json;

json::value to_value(const std::string& s) { return json::string(s); }
json::value to_value(bool b) { return b; }
json::value to_value(std::uint16_t n) { return static_cast<std::uint64_t>(n); }
json::value to_value(std::uint32_t n) { return static_cast<std::uint64_t>(n); }
json::value to_value(std::uint64_t n) { return n; }
json::value to_value(std::int32_t n) { return static_cast<std::int64_t>(n); }
json::value to_value(std::int64_t n) { return n; }

json::value to_value(const Box& v);
json::value to_value(const User& v);
json::value to_value(const LinuxCapabilities& v);
json::value to_value(const POSIXRlimit& v);
json::value to_value(const Scheduler& v);
json::value to_value(const IOPriority& v);
json::value to_value(const CPUAffinity& v);
json::value to_value(const Process& v);
json::value to_value(const Root& v);
json::value to_value(const LinuxIDMapping& v);
json::value to_value(const Mount& v);
json::value to_value(const Hook& v);
json::value to_value(const Hooks& v);
json::value to_value(const LinuxDeviceCgroup& v);
json::value to_value(const LinuxMemory& v);
json::value to_value(const LinuxCPU& v);
json::value to_value(const LinuxPids& v);
json::value to_value(const LinuxWeightDevice& v);
json::value to_value(const LinuxThrottleDevice& v);
json::value to_value(const LinuxBlockIO& v);
json::value to_value(const LinuxHugepageLimit& v);
json::value to_value(const LinuxInterfacePriority& v);
json::value to_value(const LinuxNetwork& v);
json::value to_value(const LinuxRdma& v);
json::value to_value(const LinuxResources& v);
json::value to_value(const LinuxSeccompArg& v);
json::value to_value(const LinuxSyscall& v);
json::value to_value(const LinuxSeccomp& v);
json::value to_value(const LinuxNamespace& v);
json::value to_value(const LinuxDevice& v);
json::value to_value(const LinuxIntelRdt& v);
json::value to_value(const LinuxPersonality& v);
json::value to_value(const LinuxTimeOffset& v);
json::value to_value(const LinuxMemoryPolicy& v);
json::value to_value(const LinuxNetDevice& v);
json::value to_value(const Linux& v);

template <class T>
json::value to_value(const std::vector<T>& items) {
    json::array arr;
    arr.reserve(items.size());
    for (const auto& item : items) arr.push_back(to_value(item));
    return arr;
}

template <class T>
json::value to_value(const std::map<std::string, T>& items) {
    json::object obj;
    for (const auto& [k, item] : items) obj[k] = to_value(item);
    return obj;
}

// Builds one JSON object in field order.
class Out {
public:
    template <class T>
    Out& put(std::string_view name, const T& value) {
        obj_[name] = to_value(value);
        return *this;
    }
    template <class T>
    Out& omit_empty(std::string_view name, const std::optional<T>& value) {
        if (value) put(name, *value);
        return *this;
    }
    template <class T>
    Out& omit_empty(std::string_view name, const std::vector<T>& value) {
        if (!value.empty()) put(name, value);
        return *this;
    }
    template <class T>
    Out& omit_empty(std::string_view name, const std::map<std::string, T>& value) {
        if (!value.empty()) put(name, value);
        return *this;
    }
    Out& omit_empty(std::string_view name, const std::string& value) {
        if (!value.empty()) put(name, value);
        return *this;
    }
    Out& omit_empty(std::string_view name, bool value) {
        if (value) put(name, value);
        return *this;
    }
    Out& omit_empty(std::string_view name, std::int64_t value) {
        if (value != 0) put(name, value);
        return *this;
    }
    Out& omit_empty(std::string_view name, std::uint32_t value) {
        if (value != 0) put(name, value);
        return *this;
    }
    operator json::value() { return std::move(obj_); }

private:
    json::object obj_;
};

json::value to_value(const Box& v) { return Out().put("height", v.height).put("width", v.width); }

json::value to_value(const User& v) {
    return Out()
        .put("uid", v.uid)
        .put("gid", v.gid)
        .omit_empty("umask", v.umask)
        .omit_empty("additionalGids", v.additionalGids)
        .omit_empty("username", v.username);
}

json::value to_value(const LinuxCapabilities& v) {
    return Out()
        .omit_empty("bounding", v.bounding)
        .omit_empty("effective", v.effective)
        .omit_empty("inheritable", v.inheritable)
        .omit_empty("permitted", v.permitted)
        .omit_empty("ambient", v.ambient);
}

json::value to_value(const POSIXRlimit& v) {
    return Out().put("type", v.type).put("hard", v.hard).put("soft", v.soft);
}

json::value to_value(const Scheduler& v) {
    return Out()
        .put("policy", v.policy)
        .omit_empty("nice", v.nice)
        .omit_empty("priority", v.priority)
        .omit_empty("flags", v.flags)
        .omit_empty("runtime", v.runtime)
        .omit_empty("deadline", v.deadline)
        .omit_empty("period", v.period);
}

json::value to_value(const IOPriority& v) { return Out().put("class", v.ioClass).put("priority", v.priority); }

json::value to_value(const CPUAffinity& v) {
    return Out().omit_empty("initial", v.initial).omit_empty("final", v.final);
}

json::value to_value(const Process& v) {
    return Out()
        .omit_empty("terminal", v.terminal)
        .omit_empty("consoleSize", v.consoleSize)
        .put("user", v.user)
        .omit_empty("args", v.args)
        .omit_empty("commandLine", v.commandLine)
        .omit_empty("env", v.env)
        .put("cwd", v.cwd)
        .omit_empty("capabilities", v.capabilities)
        .omit_empty("rlimits", v.rlimits)
        .omit_empty("noNewPrivileges", v.noNewPrivileges)
        .omit_empty("apparmorProfile", v.apparmorProfile)
        .omit_empty("oomScoreAdj", v.oomScoreAdj)
        .omit_empty("scheduler", v.scheduler)
        .omit_empty("selinuxLabel", v.selinuxLabel)
        .omit_empty("ioPriority", v.ioPriority)
        .omit_empty("execCPUAffinity", v.execCPUAffinity);
}

json::value to_value(const Root& v) { return Out().put("path", v.path).omit_empty("readonly", v.readonly); }

json::value to_value(const LinuxIDMapping& v) {
    return Out().put("containerID", v.containerID).put("hostID", v.hostID).put("size", v.size);
}

json::value to_value(const Mount& v) {
    return Out()
        .put("destination", v.destination)
        .omit_empty("type", v.type)
        .omit_empty("source", v.source)
        .omit_empty("options", v.options)
        .omit_empty("uidMappings", v.uidMappings)
        .omit_empty("gidMappings", v.gidMappings);
}

json::value to_value(const Hook& v) {
    return Out().put("path", v.path).omit_empty("args", v.args).omit_empty("env", v.env).omit_empty("timeout", v.timeout);
}

json::value to_value(const Hooks& v) {
    return Out()
        .omit_empty("prestart", v.prestart)
        .omit_empty("createRuntime", v.createRuntime)
        .omit_empty("createContainer", v.createContainer)
        .omit_empty("startContainer", v.startContainer)
        .omit_empty("poststart", v.poststart)
        .omit_empty("poststop", v.poststop);
}

json::value to_value(const LinuxDeviceCgroup& v) {
    return Out()
        .put("allow", v.allow)
        .omit_empty("type", v.type)
        .omit_empty("major", v.major)
        .omit_empty("minor", v.minor)
        .omit_empty("access", v.access);
}

json::value to_value(const LinuxMemory& v) {
    return Out()
        .omit_empty("limit", v.limit)
        .omit_empty("reservation", v.reservation)
        .omit_empty("swap", v.swap)
        .omit_empty("kernel", v.kernel)
        .omit_empty("kernelTCP", v.kernelTCP)
        .omit_empty("swappiness", v.swappiness)
        .omit_empty("disableOOMKiller", v.disableOOMKiller)
        .omit_empty("useHierarchy", v.useHierarchy)
        .omit_empty("checkBeforeUpdate", v.checkBeforeUpdate);
}

json::value to_value(const LinuxCPU& v) {
    return Out()
        .omit_empty("shares", v.shares)
        .omit_empty("quota", v.quota)
        .omit_empty("burst", v.burst)
        .omit_empty("period", v.period)
        .omit_empty("realtimeRuntime", v.realtimeRuntime)
        .omit_empty("realtimePeriod", v.realtimePeriod)
        .omit_empty("cpus", v.cpus)
        .omit_empty("mems", v.mems)
        .omit_empty("idle", v.idle);
}

json::value to_value(const LinuxPids& v) { return Out().omit_empty("limit", v.limit); }

json::value to_value(const LinuxWeightDevice& v) {
    return Out()
        .put("major", v.major)
        .put("minor", v.minor)
        .omit_empty("weight", v.weight)
        .omit_empty("leafWeight", v.leafWeight);
}

json::value to_value(const LinuxThrottleDevice& v) {
    return Out().put("major", v.major).put("minor", v.minor).put("rate", v.rate);
}

json::value to_value(const LinuxBlockIO& v) {
    return Out()
        .omit_empty("weight", v.weight)
        .omit_empty("leafWeight", v.leafWeight)
        .omit_empty("weightDevice", v.weightDevice)
        .omit_empty("throttleReadBpsDevice", v.throttleReadBpsDevice)
        .omit_empty("throttleWriteBpsDevice", v.throttleWriteBpsDevice)
        .omit_empty("throttleReadIOPSDevice", v.throttleReadIOPSDevice)
        .omit_empty("throttleWriteIOPSDevice", v.throttleWriteIOPSDevice);
}

json::value to_value(const LinuxHugepageLimit& v) { return Out().put("pageSize", v.pageSize).put("limit", v.limit); }

json::value to_value(const LinuxInterfacePriority& v) {
    return Out().put("name", v.name).put("priority", v.priority);
}

json::value to_value(const LinuxNetwork& v) {
    return Out().omit_empty("classID", v.classID).omit_empty("priorities", v.priorities);
}

json::value to_value(const LinuxRdma& v) {
    return Out().omit_empty("hcaHandles", v.hcaHandles).omit_empty("hcaObjects", v.hcaObjects);
}

json::value to_value(const LinuxResources& v) {
    return Out()
        .omit_empty("devices", v.devices)
        .omit_empty("memory", v.memory)
        .omit_empty("cpu", v.cpu)
        .omit_empty("pids", v.pids)
        .omit_empty("blockIO", v.blockIO)
        .omit_empty("hugepageLimits", v.hugepageLimits)
        .omit_empty("network", v.network)
        .omit_empty("rdma", v.rdma)
        .omit_empty("unified", v.unified);
}

json::value to_value(const LinuxSeccompArg& v) {
    Out out;
    out.put("index", v.index).put("value", v.value);
    if (v.valueTwo != 0) out.put("valueTwo", v.valueTwo);
    return out.put("op", v.op);
}

json::value to_value(const LinuxSyscall& v) {
    return Out()
        .put("names", v.names)
        .put("action", v.action)
        .omit_empty("errnoRet", v.errnoRet)
        .omit_empty("args", v.args);
}

json::value to_value(const LinuxSeccomp& v) {
    return Out()
        .put("defaultAction", v.defaultAction)
        .omit_empty("defaultErrnoRet", v.defaultErrnoRet)
        .omit_empty("architectures", v.architectures)
        .omit_empty("flags", v.flags)
        .omit_empty("listenerPath", v.listenerPath)
        .omit_empty("listenerMetadata", v.listenerMetadata)
        .omit_empty("syscalls", v.syscalls);
}

json::value to_value(const LinuxNamespace& v) { return Out().put("type", v.type).omit_empty("path", v.path); }

json::value to_value(const LinuxDevice& v) {
    return Out()
        .put("path", v.path)
        .put("type", v.type)
        .put("major", v.major)
        .put("minor", v.minor)
        .omit_empty("fileMode", v.fileMode)
        .omit_empty("uid", v.uid)
        .omit_empty("gid", v.gid);
}

json::value to_value(const LinuxIntelRdt& v) {
    return Out()
        .omit_empty("closID", v.closID)
        .omit_empty("l3CacheSchema", v.l3CacheSchema)
        .omit_empty("memBwSchema", v.memBwSchema)
        .omit_empty("schemata", v.schemata)
        .omit_empty("enableMonitoring", v.enableMonitoring);
}

json::value to_value(const LinuxPersonality& v) {
    return Out().put("domain", v.domain).omit_empty("flags", v.flags);
}

json::value to_value(const LinuxTimeOffset& v) {
    return Out().omit_empty("secs", v.secs).omit_empty("nanosecs", v.nanosecs);
}

json::value to_value(const LinuxMemoryPolicy& v) {
    return Out().put("mode", v.mode).put("nodes", v.nodes).omit_empty("flags", v.flags);
}

json::value to_value(const LinuxNetDevice& v) { return Out().omit_empty("name", v.name); }

json::value to_value(const Linux& v) {
    return Out()
        .omit_empty("uidMappings", v.uidMappings)
        .omit_empty("gidMappings", v.gidMappings)
        .omit_empty("sysctl", v.sysctl)
        .omit_empty("resources", v.resources)
        .omit_empty("cgroupsPath", v.cgroupsPath)
        .omit_empty("namespaces", v.namespaces)
        .omit_empty("devices", v.devices)
        .omit_empty("netDevices", v.netDevices)
        .omit_empty("seccomp", v.seccomp)
        .omit_empty("rootfsPropagation", v.rootfsPropagation)
        .omit_empty("maskedPaths", v.maskedPaths)
        .omit_empty("readonlyPaths", v.readonlyPaths)
        .omit_empty("mountLabel", v.mountLabel)
        .omit_empty("intelRdt", v.intelRdt)
        .omit_empty("memoryPolicy", v.memoryPolicy)
        .omit_empty("personality", v.personality)
        .omit_empty("timeOffsets", v.timeOffsets);
}

}  // namespace

json::value to_json(const Spec& spec) {
    return Out()
        .put("ociVersion", spec.ociVersion)
        .omit_empty("process", spec.process)
        .omit_empty("root", spec.root)
        .omit_empty("hostname", spec.hostname)
        .omit_empty("domainname", spec.domainname)
        .omit_empty("mounts", spec.mounts)
        .omit_empty("hooks", spec.hooks)
        .omit_empty("annotations", spec.annotations)
        .omit_empty("linux", spec.linuxSection);
}

json::value to_json(const Process& process) { return to_value(process); }

json::value to_json(const LinuxResources& resources) { return to_value(resources); }

}  // namespace ocirun::spec
