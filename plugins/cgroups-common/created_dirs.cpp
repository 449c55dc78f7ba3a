#include "created_dirs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

void make_cgroup_dirs(const fs::path& root, const std::string& relative, std::vector<std::string>& created) {
    fs::path current = root;
    std::istringstream in(relative);
    std::string part;
    while (std::getline(in, part, '/')) {
        if (part.empty()) continue;
        current /= part;
        if (::mkdir(current.c_str(), 0755) == 0) {
            created.push_back(current.string());
        } else if (errno != EEXIST) {
            throw sys_error("create cgroup directory " + current.string());
        }
    }
}

static int remove_one(const std::string& dir) {
    using namespace std::chrono_literals;
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
        if (errno != EBUSY) return errno;
        std::this_thread::sleep_for(20ms);
    }
    return EBUSY;
}

void remove_cgroup_dirs(const std::vector<std::string>& created) {
    std::string failures;
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        if (int err = remove_one(*it))
            failures += (failures.empty() ? "" : "; ") + *it + ": " + std::strerror(err);
    }
    if (!failures.empty()) throw Error("remove cgroup directories: " + failures);
}

void remove_cgroup_descendants(const std::string& dir) {
    std::error_code ec;
    std::vector<std::string> children;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec)) children.push_back(it->path().string());
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw Error("list sub-cgroups of " + dir + ": " + ec.message());
    // Each child's own children first: a cgroup with sub-cgroups cannot be removed.
    for (const auto& child : children) remove_cgroup_descendants(child);
    remove_cgroup_dirs(children);
}

void remove_created_cgroup(const std::vector<std::string>& own, const std::vector<std::string>& created) {
    auto is_own = [&](const std::string& dir) { return std::find(own.begin(), own.end(), dir) != own.end(); };
    std::string failures;
    auto note = [&](const std::string& what) { failures += (failures.empty() ? "" : "; ") + what; };
    for (const auto& dir : own) {
        if (std::find(created.begin(), created.end(), dir) == created.end()) continue;
        try {
            remove_cgroup_descendants(dir);
        } catch (const Error& e) {
            note(e.what());
        }
    }
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        if (is_own(*it)) {
            if (int err = remove_one(*it)) note(*it + ": " + std::strerror(err));
            continue;
        }
        // A parent made for this container may hold other containers' cgroups by now (a pod
        // cgroup): it stays then, and is no failure of this container's delete.
        if (::rmdir(it->c_str()) != 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
            note(*it + ": " + std::strerror(errno));
    }
    if (!failures.empty()) throw Error("remove cgroup directories: " + failures);
}

}  // namespace ocirun::cgroups
