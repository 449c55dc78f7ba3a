// What this host's SELinux can do, asked through libselinux.
#pragma once

#include <string>

namespace ocirun::selinux {

// "" when SELinux is enabled (enforcing or permissive), else why not.
std::string why_not_enabled();

}  // namespace ocirun::selinux
