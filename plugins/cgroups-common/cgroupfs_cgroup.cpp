#include "cgroupfs_cgroup.hpp"

#include "cgroup_files.hpp"
#include "created_dirs.hpp"
#include "ocirun/error.hpp"
#include "ocirun_host/sub_cgroup.hpp"

namespace ocirun::cgroups {

void CgroupfsCgroup::add_process_to_sub(pid_t pid, const std::map<std::string, std::string>& sub_paths) {
    for (const auto& [dir, sub] : host::sub_cgroup_choices(saved_.paths, sub_paths)) {
        const auto target = host::sub_cgroup_dir(dir, sub);
        // runc's text; the core checked before starting anything, this guards other callers.
        if (!target) throw Error("unable to create new parent process: " + sub + " is not a sub cgroup path");
        try {
            write_text(*target / "cgroup.procs", std::to_string(pid));
        } catch (const Error& e) {
            throw Error("--cgroup " + sub + ": " + e.what());
        }
    }
}

void CgroupfsCgroup::destroy() {
    std::vector<std::string> own;
    for (const auto& [controller, dir] : saved_.paths) own.push_back(dir);
    remove_created_cgroup(own, saved_.created);
}

}  // namespace ocirun::cgroups
