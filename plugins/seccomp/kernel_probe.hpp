// What this kernel's seccomp supports, asked without installing anything.
#pragma once

#include <cstdint>
#include <string>

namespace ocirun::seccomp_plugin {

// Empty when the kernel has seccomp filter mode, else why not.
std::string kernel_seccomp_unavailable_reason();
// True when seccomp(2) accepts this SECCOMP_FILTER_FLAG_* bit.
bool kernel_accepts_flag(unsigned int flag);
// True when the kernel implements this SECCOMP_RET_* action (SECCOMP_GET_ACTION_AVAIL).
bool kernel_has_action(std::uint32_t ret_action);

}  // namespace ocirun::seccomp_plugin
