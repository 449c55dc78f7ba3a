#include "apparmor_host.hpp"

#include <sys/apparmor.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

namespace ocirun::apparmor {
namespace {

// Names of the loaded profiles: each line of the profiles file is "NAME (MODE)".
std::set<std::string> loaded_profiles(std::string& error) {
    std::set<std::string> names;
    char* mount_point = nullptr;
    if (aa_find_mountpoint(&mount_point) != 0) {
        error = std::string("cannot find the AppArmor securityfs directory: ") + std::strerror(errno);
        return names;
    }
    const std::string path = std::string(mount_point) + "/profiles";
    std::free(mount_point);
    std::ifstream in(path);
    if (!in) {
        error = "cannot read " + path + ": " + std::strerror(errno);
        return names;
    }
    std::string line;
    while (std::getline(in, line)) {
        const auto mode = line.rfind(" (");
        names.insert(mode == std::string::npos ? line : line.substr(0, mode));
    }
    return names;
}

}  // namespace

std::string why_not_enabled() {
    errno = 0;
    if (aa_is_enabled() == 1) return {};
    const int err = errno;
    switch (err) {
        case ENOSYS: return "AppArmor is not enabled in the kernel";
        case ECANCELED: return "AppArmor is available in the kernel but was disabled at boot";
        case ENOENT: return "AppArmor is enabled but securityfs is not mounted, so it cannot be used";
        case EBUSY: return "AppArmor is not the active LSM of this process (another LSM is in charge)";
        case EPERM:
        case EACCES: return std::string("AppArmor status cannot be read: ") + std::strerror(err);
        default:
            return std::string("AppArmor is not enabled on this host (aa_is_enabled: ") +
                   (err ? std::strerror(err) : "no reason given") + ")";
    }
}

std::string why_not_loaded(const std::string& name) {
    std::string error;
    const std::set<std::string> loaded = loaded_profiles(error);
    if (!error.empty()) return error;
    std::size_t start = 0;
    while (true) {
        const std::size_t stack = name.find("//&", start);
        const std::string part = name.substr(start, stack == std::string::npos ? std::string::npos : stack - start);
        if (part != "unconfined" && !loaded.count(part))
            return "apparmor profile \"" + part + "\" is not loaded (load it with apparmor_parser)";
        if (stack == std::string::npos) return {};
        start = stack + 3;
    }
}

}  // namespace ocirun::apparmor
