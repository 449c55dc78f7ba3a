// Static checks of a parsed config: what can be decided from config.json alone, before
// anything touches the host. Where runc has a message for the same problem its words are
// kept after the JSON path, so scripts matching runc's text keep working.
#include <algorithm>
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

void check_process(const Process& p, const Where& w) {
    if (p.args.empty()) w.field("args").fail("args must not be empty");
    if (p.cwd.empty()) w.field("cwd").fail("Cwd property must not be empty");
    if (p.cwd.front() != '/') w.field("cwd").fail("Cwd must be an absolute path, got " + quote(p.cwd));

    if (p.capabilities) {
        const Where caps = w.field("capabilities");
        const std::pair<const char*, const std::vector<std::string>*> sets[] = {
            {"bounding", &p.capabilities->bounding},     {"effective", &p.capabilities->effective},
            {"inheritable", &p.capabilities->inheritable}, {"permitted", &p.capabilities->permitted},
            {"ambient", &p.capabilities->ambient},
        };
        for (const auto& [name, set] : sets)
            for (std::size_t i = 0; i < set->size(); ++i)
                if (!capability_number((*set)[i]))
                    caps.field(name).index(i).fail("unknown capability " + quote((*set)[i]));
    }

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

    if (p.ioPriority) {
        const auto& c = p.ioPriority->ioClass;
        if (c != "IOPRIO_CLASS_RT" && c != "IOPRIO_CLASS_BE" && c != "IOPRIO_CLASS_IDLE")
            w.field("ioPriority").field("class").fail("unknown I/O priority class " + quote(c));
    }
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

    for (const auto& [key, value] : l.sysctl)
        if (!valid_sysctl_name(key)) lw.field("sysctl").key(key).fail("invalid sysctl name " + quote(key));

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

    for (std::size_t i = 0; i < spec.mounts.size(); ++i)
        if (spec.mounts[i].destination.empty())
            w.field("mounts").index(i).field("destination").fail("must not be empty");

    if (spec.linuxSection) check_linux(spec, w);
    if (!spec.hostname.empty() && !find_namespace(spec, "uts"))
        w.field("hostname").fail("unable to set hostname without a private UTS namespace");
    if (!spec.domainname.empty() && !find_namespace(spec, "uts"))
        w.field("domainname").fail("unable to set domainname without a private UTS namespace");
    check_id_mappings(spec, w);
}

}  // namespace ocirun::spec
