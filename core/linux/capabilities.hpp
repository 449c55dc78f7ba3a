// process.capabilities names -> the numbers this kernel has. Like runc, a name that is unknown
// (CAP_BOGUS) or newer than the running kernel (above /proc/sys/kernel/cap_last_cap) is not an
// error: create and exec warn about it once and the init leaves it out. containerd and podman
// pass lists built on other kernels.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::linux_init {

// The numbers of the names this kernel has; the others are skipped.
std::set<int> available_capabilities(const std::vector<std::string>& names);

// The names of all five sets that are unknown or unavailable here, sorted, each once.
std::vector<std::string> unavailable_capabilities(const spec::LinuxCapabilities& caps);

// runc's warning for them (nothing when there are none):
//   level=warning msg="ignoring unknown or unavailable capabilities: [CAP_A CAP_B]"
void warn_unavailable_capabilities(const spec::Process& process);

}  // namespace ocirun::linux_init
