#include "cgroups_path.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

static bool looks_like_systemd_form(const std::string& p) {
    // runc's systemd form is "slice:prefix:name"; a cgroupfs path has no ':' in practice.
    return !p.empty() && p[0] != '/' && std::count(p.begin(), p.end(), ':') == 2;
}

static std::string normalise(const std::string& raw, const std::string& field_value) {
    std::vector<std::string> parts;
    std::istringstream in(raw);
    std::string part;
    while (std::getline(in, part, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..")
            throw InvalidConfig::in_file("config.json", "linux.cgroupsPath",
                                         "\"" + field_value + "\" must not contain \"..\"");
        parts.push_back(part);
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

Placement resolve_placement(const plugin::CgroupConfig& config, const plugin::HostContext& host) {
    const std::string& given = config.cgroups_path;
    if (host.systemd_cgroup)
        throw Error("--systemd-cgroup: no systemd cgroup driver installed (linux.cgroupsPath \"" +
                    given + "\" cannot be placed by the cgroupfs drivers)");
    if (looks_like_systemd_form(given))
        throw InvalidConfig::in_file("config.json", "linux.cgroupsPath", "\"" + given +
                    "\" is in the systemd form \"slice:prefix:name\", which needs --systemd-cgroup "
                    "and a systemd cgroup driver; use a cgroupfs path such as \"/mygroup/" +
                    config.container_id + "\"");
    Placement placement;
    if (given.empty()) {
        placement.relative_to_own_cgroup = true;
        placement.path = normalise(config.container_id, given);
    } else {
        placement.relative_to_own_cgroup = given[0] != '/';
        placement.path = normalise(given, given);
    }
    if (placement.path.empty() && placement.relative_to_own_cgroup)
        throw InvalidConfig::in_file("config.json", "linux.cgroupsPath", "\"" + given + "\" names no cgroup");
    return placement;
}

std::string join_cgroup_path(const std::string& base, const std::string& relative) {
    std::string out = base.empty() ? "/" : base;
    if (out.back() != '/') out += '/';
    out += relative;
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

}  // namespace ocirun::cgroups
