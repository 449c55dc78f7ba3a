// Static checks of a parsed config: what can be decided from config.json alone, before
// anything touches the host. Where runc has a message for the same problem its words are
// kept after the JSON path, so scripts matching runc's text keep working.
#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "ocirun/error.hpp"
#include "spec/json_reader.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"

namespace ocirun::spec {
namespace {

using json_reader::Where;

std::string quote(std::string_view s) { return json_reader::describe(boost::json::string(s)); }

const LinuxNamespace* find_namespace(const Spec& spec, std::string_view type) {
    if (!spec.linuxSection) return nullptr;
    for (const auto& ns : spec.linuxSection->namespaces)
        if (ns.type == type) return &ns;
    return nullptr;
}

// Rules of runtime-spec 1.3 (process.scheduler), checked the way runc 1.2 does.
void check_scheduler(const Scheduler& s, const Where& w) {
    if (s.policy.empty()) w.field("policy").fail("must not be empty");
    if (!scheduler_policy(s.policy)) w.field("policy").fail("unknown policy " + quote(s.policy));
    if (s.nice && (*s.nice < -20 || *s.nice > 19))
        w.field("nice").fail("invalid nice value " + std::to_string(*s.nice) + " (must be -20..19)");
    const bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    if (s.priority && *s.priority != 0 && !realtime)
        w.field("priority").fail("a priority can only be given with SCHED_FIFO or SCHED_RR, not " + s.policy);
    if (realtime && s.priority && (*s.priority < 1 || *s.priority > 99))
        w.field("priority").fail("invalid real-time priority " + std::to_string(*s.priority) + " (must be 1..99)");
    const bool deadline_params = s.runtime.value_or(0) || s.deadline.value_or(0) || s.period.value_or(0);
    if (deadline_params && s.policy != "SCHED_DEADLINE")
        w.fail("runtime, deadline and period can only be given with SCHED_DEADLINE, not " + s.policy);
    for (std::size_t i = 0; i < s.flags.size(); ++i)
        if (!scheduler_flag(s.flags[i])) w.field("flags").index(i).fail("unknown flag " + quote(s.flags[i]));
}

void check_process(const Process& p, const Where& w) {
    if (p.args.empty()) w.field("args").fail("args must not be empty");
    if (p.cwd.empty()) w.field("cwd").fail("Cwd property must not be empty");
    if (p.cwd.front() != '/') w.field("cwd").fail("Cwd must be an absolute path, got " + quote(p.cwd));

    // process.capabilities: unknown names are not refused; create and exec warn about them and
    // leave them out, as runc does (linux/capabilities.hpp).

    std::map<std::string, std::size_t> seen_rlimits;
    for (std::size_t i = 0; i < p.rlimits.size(); ++i) {
        const auto& r = p.rlimits[i];
        const Where rw = w.field("rlimits").index(i);
        if (!rlimit_resource(r.type)) rw.field("type").fail("unknown rlimit " + quote(r.type));
        if (auto [it, fresh] = seen_rlimits.emplace(r.type, i); !fresh)
            rw.field("type").fail("duplicated rlimit " + quote(r.type) + " (also at " +
                                  w.field("rlimits").index(it->second).path + ")");
        if (r.soft > r.hard)
            rw.fail("soft limit " + std::to_string(r.soft) + " is greater than hard limit " + std::to_string(r.hard));
    }

    if (p.scheduler) check_scheduler(*p.scheduler, w.field("scheduler"));

    if (p.ioPriority) {
        const Where iw = w.field("ioPriority");
        if (!io_priority_class(p.ioPriority->ioClass))
            iw.field("class").fail("unknown I/O priority class " + quote(p.ioPriority->ioClass));
        if (p.ioPriority->priority < 0 || p.ioPriority->priority > 7)
            iw.field("priority").fail("invalid I/O priority " + std::to_string(p.ioPriority->priority) +
                                      " (must be 0..7)");
    }

    if (p.execCPUAffinity) {
        const Where aw = w.field("execCPUAffinity");
        const std::pair<const char*, const std::string*> lists[] = {
            {"initial", &p.execCPUAffinity->initial}, {"final", &p.execCPUAffinity->final}};
        for (const auto& [name, list] : lists)
            if (!list->empty() && !parse_cpu_list(*list))
                aw.field(name).fail("invalid CPU list " + quote(*list) + " (want e.g. \"0-3,7\", CPUs below " +
                                    std::to_string(kMaxCpus) + ")");
    }
}

void check_personality(const LinuxPersonality& p, const Where& w) {
    if (!personality_domain(p.domain))
        w.field("domain").fail("unknown personality domain " + quote(p.domain) + " (want LINUX or LINUX32)");
    for (std::size_t i = 0; i < p.flags.size(); ++i)
        if (!personality_flag(p.flags[i]))
            w.field("flags").index(i).fail("unknown personality flag " + quote(p.flags[i]));
}

void check_namespaces(const Linux& l, const Where& w) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < l.namespaces.size(); ++i) {
        const auto& ns = l.namespaces[i];
        const Where nw = w.field("namespaces").index(i).field("type");
        if (!namespace_clone_flag(ns.type)) nw.fail("unknown namespace " + quote(ns.type));
        if (auto [it, fresh] = seen.emplace(ns.type, i); !fresh)
            nw.fail("duplicated namespace " + quote(ns.type) + " (also at " +
                    w.field("namespaces").index(it->second).path + ")");
    }
}

// What the kernel refuses when the runtime writes uid_map/gid_map after clone(): an empty or
// wrapping range, more than 340 lines, ranges overlapping on either side.
void check_id_map_ranges(const std::vector<LinuxIDMapping>& maps, const Where& w) {
    constexpr std::size_t kMaxLines = 340;  // UID_GID_MAP_MAX_EXTENTS
    if (maps.size() > kMaxLines)
        w.fail(std::to_string(maps.size()) + " mappings, more than the kernel's " + std::to_string(kMaxLines));
    auto end = [](std::uint32_t start, std::uint32_t size) { return std::uint64_t{start} + size; };
    for (std::size_t i = 0; i < maps.size(); ++i) {
        const auto& m = maps[i];
        if (m.size == 0) w.index(i).field("size").fail("must not be 0");
        if (end(m.containerID, m.size) > 0xffffffffull || end(m.hostID, m.size) > 0xffffffffull)
            w.index(i).fail("range goes past the largest id (4294967294)");
        for (std::size_t j = 0; j < i; ++j) {
            const auto& o = maps[j];
            const bool inside = m.containerID < end(o.containerID, o.size) && o.containerID < end(m.containerID, m.size);
            const bool host = m.hostID < end(o.hostID, o.size) && o.hostID < end(m.hostID, m.size);
            if (inside || host)
                w.index(i).fail(std::string(inside ? "container" : "host") + " ids overlap those of " +
                                w.index(j).path);
        }
    }
}

void check_id_mappings(const Spec& spec, const Where& w) {
    const Linux* l = spec.linuxSection ? &*spec.linuxSection : nullptr;
    const LinuxNamespace* user = find_namespace(spec, "user");
    const bool has_uid = l && !l->uidMappings.empty();
    const bool has_gid = l && !l->gidMappings.empty();
    const Where lw = w.field("linux");
    if (user && user->path.empty()) {
        // A new user namespace needs both maps; joining an existing one (path) needs none.
        if (!has_uid) lw.field("uidMappings").fail("User namespaces enabled, but no uid mappings found");
        if (!has_gid) lw.field("gidMappings").fail("User namespaces enabled, but no gid mappings found");
    }
    if (!user && (has_uid || has_gid))
        lw.field(has_uid ? "uidMappings" : "gidMappings")
            .fail("user namespace mappings specified, but user namespace isn't enabled in the config");
    if (has_uid) check_id_map_ranges(l->uidMappings, lw.field("uidMappings"));
    if (has_gid) check_id_map_ranges(l->gidMappings, lw.field("gidMappings"));
}

bool valid_sysctl_name(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key)
        if (static_cast<unsigned char>(c) <= ' ' || c == '=' || c == 0x7f) return false;
    // Components separated by '.' or '/': none empty, none "." or "..".
    std::size_t start = 0;
    for (std::size_t i = 0; i <= key.size(); ++i) {
        if (i == key.size() || key[i] == '.' || key[i] == '/') {
            std::string_view part = key.substr(start, i - start);
            if (part.empty() || part == "..") return false;
            start = i + 1;
        }
    }
    return true;
}

// runc's rule: a sysctl is accepted only when the namespace it belongs to is the container's own.
// Checked here so that a refused key never reaches clone().
bool has_own_namespace(const Spec& spec, std::string_view type) { return find_namespace(spec, type) != nullptr; }

bool is_ipc_sysctl(std::string_view key) {
    static constexpr std::string_view kIpcKeys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                                    "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                                    "kernel.shmmni", "kernel.shm_rmid_forced"};
    return std::find(std::begin(kIpcKeys), std::end(kIpcKeys), key) != std::end(kIpcKeys) ||
           key.rfind("fs.mqueue.", 0) == 0;
}

void check_sysctl_namespace(const Spec& spec, const std::string& key, const Where& kw) {
    std::string dotted = key;  // "net/ipv4/ip_forward" is the same key as "net.ipv4.ip_forward"
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    const std::string q = quote(key);
    if (is_ipc_sysctl(dotted)) {
        if (!has_own_namespace(spec, "ipc")) kw.fail("sysctl " + q + " is not allowed in the hosts ipc namespace");
        return;
    }
    if (dotted.rfind("net.", 0) == 0) {
        if (!has_own_namespace(spec, "network")) kw.fail("sysctl " + q + " not allowed in host network namespace");
        return;
    }
    if (dotted == "kernel.domainname") {
        if (!has_own_namespace(spec, "uts")) kw.fail("sysctl " + q + " is not allowed in the hosts uts namespace");
        return;
    }
    if (dotted == "kernel.hostname")
        kw.fail("sysctl " + q + " is not allowed as it conflicts with the OCI \"hostname\" field");
    kw.fail("sysctl " + q + " is not in a separate kernel namespace");
}

bool has_option(const Mount& m, std::string_view name) {
    return std::find(m.options.begin(), m.options.end(), name) != m.options.end();
}

// Idmapped mounts (runtime-spec 1.3): bind mounts only; the mapping is built in a helper user
// namespace that the init creates, which needs the init to be in the host's user namespace.
void check_idmapped_mount(const Spec& spec, const Mount& m, const Where& w) {
    const bool idmap_option = has_option(m, "idmap") || has_option(m, "ridmap");
    if (!idmap_option && m.uidMappings.empty() && m.gidMappings.empty()) return;
    if (m.type != "bind" && !has_option(m, "bind") && !has_option(m, "rbind"))
        w.fail("idmapped mounts are only supported for bind mounts, not type " + quote(m.type));
    if (find_namespace(spec, "user"))
        throw NotImplemented(json_reader::format_error(
            w.origin, w.path,
            "idmapped mounts in a container with a user namespace are not supported yet (the mapping "
            "must be made outside the container's user namespace); they work without a \"user\" namespace"));
    if (m.uidMappings.empty() || m.gidMappings.empty())
        w.field(m.uidMappings.empty() ? "uidMappings" : "gidMappings")
            .fail("an idmapped mount needs both uidMappings and gidMappings (without a user namespace "
                  "there are no container mappings to default to)");
    for (const auto* maps : {&m.uidMappings, &m.gidMappings})
        for (std::size_t i = 0; i < maps->size(); ++i)
            if ((*maps)[i].size == 0)
                w.field(maps == &m.uidMappings ? "uidMappings" : "gidMappings").index(i).field("size")
                    .fail("must not be 0");
}

// Applied nowhere in ocirun: refused so that a config never silently runs without it. The one
// host check here: whether resctrl is mounted decides which of the two reasons is given.
void check_intel_rdt(const Where& w) {
    struct stat st {};
    if (::stat("/sys/fs/resctrl/schemata", &st) != 0)
        w.fail("Intel RDT is not enabled on this host (no resctrl filesystem mounted at /sys/fs/resctrl)");
    throw NotImplemented(json_reader::format_error(w.origin, w.path, "Intel RDT is not supported by ocirun yet"));
}

void check_linux(const Spec& spec, const Where& w) {
    const Linux& l = *spec.linuxSection;
    const Where lw = w.field("linux");
    check_namespaces(l, lw);

    if (!spec.linuxSection->timeOffsets.empty() && !find_namespace(spec, "time"))
        lw.field("timeOffsets")
            .fail("time namespace offsets specified, but time namespace isn't enabled in the config");

    for (std::size_t i = 0; i < l.devices.size(); ++i) {
        const auto& d = l.devices[i];
        const Where dw = lw.field("devices").index(i);
        if (d.path.empty()) dw.field("path").fail("must not be empty");
        if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
            dw.field("type").fail("invalid device type " + quote(d.type));
    }

    for (const auto& [key, value] : l.sysctl) {
        if (!valid_sysctl_name(key)) lw.field("sysctl").key(key).fail("invalid sysctl name " + quote(key));
        check_sysctl_namespace(spec, key, lw.field("sysctl").key(key));
    }

    if (l.intelRdt) check_intel_rdt(lw.field("intelRdt"));
    if (l.memoryPolicy)
        throw NotImplemented(json_reader::format_error(w.origin, lw.field("memoryPolicy").path,
                                                       "set_mempolicy is not supported by ocirun yet"));
    if (!l.netDevices.empty())
        throw NotImplemented(json_reader::format_error(
            w.origin, lw.field("netDevices").path,
            "moving network devices into the container is not supported by ocirun yet"));

    // maskedPaths/readonlyPaths are mounts: without a mount namespace they would land on the host.
    if (!find_namespace(spec, "mount")) {
        if (!l.maskedPaths.empty())
            lw.field("maskedPaths").fail("unable to restrict sys entries without a private MNT namespace");
        if (!l.readonlyPaths.empty())
            lw.field("readonlyPaths").fail("unable to restrict sys entries without a private MNT namespace");
    }

    if (l.personality) check_personality(*l.personality, lw.field("personality"));

    if (!l.rootfsPropagation.empty()) {
        const MountOption* o = find_mount_option(l.rootfsPropagation);
        if (!o || !o->propagation)
            lw.field("rootfsPropagation").fail("unknown propagation " + quote(l.rootfsPropagation));
    }
}

}  // namespace

void validate(const Spec& spec, std::string_view origin) {
    const Where w{origin, {}};
    if (spec.ociVersion.empty()) w.field("ociVersion").fail("must not be empty");
    if (!spec.root) w.field("root").fail("root must be specified");
    if (spec.root->path.empty()) w.field("root").field("path").fail("root path must be specified");
    if (!spec.process) w.field("process").fail("process property must not be empty");
    check_process(*spec.process, w.field("process"));

    for (std::size_t i = 0; i < spec.mounts.size(); ++i) {
        const Where mw = w.field("mounts").index(i);
        if (spec.mounts[i].destination.empty()) mw.field("destination").fail("must not be empty");
        check_idmapped_mount(spec, spec.mounts[i], mw);
    }

    if (spec.linuxSection) check_linux(spec, w);
    if (!spec.hostname.empty() && !find_namespace(spec, "uts"))
        w.field("hostname").fail("unable to set hostname without a private UTS namespace");
    if (!spec.domainname.empty() && !find_namespace(spec, "uts"))
        w.field("domainname").fail("unable to set domainname without a private UTS namespace");
    check_id_mappings(spec, w);
}

}  // namespace ocirun::spec
