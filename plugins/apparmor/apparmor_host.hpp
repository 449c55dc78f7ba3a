// What this host's AppArmor can do, asked through libapparmor.
#pragma once

#include <string>

namespace ocirun::apparmor {

// "" when AppArmor is enabled, else why not (from aa_is_enabled()'s errno).
std::string why_not_enabled();

}  // namespace ocirun::apparmor
