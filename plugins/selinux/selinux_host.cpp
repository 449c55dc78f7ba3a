#include "selinux_host.hpp"

#include <selinux/selinux.h>

namespace ocirun::selinux {

std::string why_not_enabled() {
    // 1: enabled; 0: disabled (no selinuxfs / no policy loaded); -1: could not tell.
    switch (is_selinux_enabled()) {
        case 1: return {};
        case 0: return "SELinux is disabled on this host (no selinuxfs mounted or no policy loaded)";
        default: return "SELinux status cannot be determined on this host";
    }
}

}  // namespace ocirun::selinux
