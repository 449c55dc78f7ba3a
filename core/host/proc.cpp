#include "ocirun_host/proc.hpp"

#include <sstream>

#include "read_text.hpp"

namespace ocirun::host {

std::vector<CgroupMembership> parse_proc_cgroup(std::string_view text) {
    std::vector<CgroupMembership> out;
    detail::for_each_line(text, [&](std::string_view line) {  // "ID:controllers:path"
        const std::size_t a = line.find(':');
        if (a == std::string_view::npos) return;
        const std::size_t b = line.find(':', a + 1);
        if (b == std::string_view::npos) return;
        CgroupMembership m;
        try {
            m.hierarchy_id = std::stoi(std::string(line.substr(0, a)));
        } catch (const std::exception&) {
            return;  // not a number: not a cgroup line
        }
        m.controllers_field = std::string(line.substr(a + 1, b - a - 1));
        std::istringstream in(m.controllers_field);
        for (std::string c; std::getline(in, c, ',');)
            if (!c.empty()) m.controllers.push_back(c);
        m.path = std::string(line.substr(b + 1));  // may itself hold ':'
        out.push_back(std::move(m));
    });
    return out;
}

std::vector<CgroupMembership> read_proc_cgroup(const std::string& pid) {
    return parse_proc_cgroup(detail::read_text("/proc/" + pid + "/cgroup"));
}

bool uid_map_is_partial(std::string_view uid_map) {
    std::istringstream in{std::string(uid_map)};
    unsigned long inside = 0, outside = 0, count = 0;
    if (!(in >> inside >> outside >> count)) return false;  // empty: no user namespace to speak of
    return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

bool running_in_user_namespace() {
    std::string map;
    try {
        map = detail::read_text("/proc/self/uid_map");
    } catch (const Error&) {
        return false;  // a kernel without user namespaces
    }
    return uid_map_is_partial(map);
}

}  // namespace ocirun::host
