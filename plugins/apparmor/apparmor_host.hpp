// What this host's AppArmor can do, asked through libapparmor and securityfs.
#pragma once

#include <string>

namespace ocirun::apparmor {

// "" when AppArmor is enabled, else why not (from aa_is_enabled()'s errno).
std::string why_not_enabled();

// "" when `name` is a loaded profile (or "unconfined", or a stack "a//&b" of loaded ones), else
// why not. Read from <securityfs>/apparmor/profiles.
std::string why_not_loaded(const std::string& name);

}  // namespace ocirun::apparmor
