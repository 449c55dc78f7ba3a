#include "apparmor_host.hpp"

#include <sys/apparmor.h>

#include <cerrno>
#include <cstring>

namespace ocirun::apparmor {

std::string why_not_enabled() {
    errno = 0;
    if (aa_is_enabled() == 1) return {};
    const int err = errno;
    switch (err) {
        case ENOSYS: return "AppArmor is not available in this kernel";
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

}  // namespace ocirun::apparmor
