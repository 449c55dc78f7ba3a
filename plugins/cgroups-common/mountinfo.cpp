#include "mountinfo.hpp"

#include <set>
#include <sstream>

#include "cgroup_files.hpp"

namespace ocirun::cgroups {

static std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string part;
    while (std::getline(in, part, sep)) out.push_back(part);
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
static std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<CgroupMount> read_cgroup_mounts() {
    std::vector<CgroupMount> mounts;
    std::set<std::string> seen_devices;
    std::istringstream in(read_text("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(in, line)) {
        // id parent major:minor root mount_point options [optional...] - fstype source super_options
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto left = split(line.substr(0, dash), ' ');
        auto right = split(line.substr(dash + 3), ' ');
        if (left.size() < 5 || right.size() < 3) continue;
        const std::string& fstype = right[0];
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        if (!seen_devices.insert(left[2]).second) continue;
        CgroupMount m;
        m.root = unescape(left[3]);
        m.mount_point = unescape(left[4]);
        m.v2 = fstype == "cgroup2";
        if (!m.v2) {
            static const std::set<std::string> not_controllers = {
                "rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "favordynmods"};
            for (const auto& opt : split(right[2], ',')) {
                if (not_controllers.count(opt) || opt.rfind("release_agent=", 0) == 0) continue;
                m.controllers.push_back(opt);
            }
        }
        mounts.push_back(std::move(m));
    }
    return mounts;
}

std::vector<CgroupMembership> read_proc_cgroup(const std::string& pid) {
    std::vector<CgroupMembership> out;
    std::istringstream in(read_text("/proc/" + pid + "/cgroup"));
    std::string line;
    while (std::getline(in, line)) {
        auto first = line.find(':');
        auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        CgroupMembership m;
        m.hierarchy_id = std::stoi(line.substr(0, first));
        auto ctrls = line.substr(first + 1, second - first - 1);
        if (!ctrls.empty()) m.controllers = split(ctrls, ',');
        m.path = line.substr(second + 1);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace ocirun::cgroups
