// The runtime-spec names of linux.seccomp (SCMP_ACT_*, SCMP_CMP_*, SCMP_ARCH_*,
// SECCOMP_FILTER_FLAG_*) and what they mean to libseccomp and the kernel.
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirun::seccomp_plugin {

enum class ActionKind { KillThread, KillProcess, Trap, Errno, Trace, Allow, Log, Notify };

// The action kind for an SCMP_ACT_* name, or nullopt when the name is unknown.
std::optional<ActionKind> parse_action(std::string_view name);
// The libseccomp action value; `ret` is the errno (ERRNO) or the tracer's message (TRACE),
// EPERM when absent, truncated to 16 bits like runc does.
std::uint32_t libseccomp_action(ActionKind kind, std::optional<std::uint32_t> ret);

std::optional<scmp_compare> parse_operator(std::string_view name);
// libseccomp's architecture token for an SCMP_ARCH_* name, or nullopt when unknown.
std::optional<std::uint32_t> parse_arch(std::string_view name);
// The SECCOMP_FILTER_FLAG_* bit for a runtime-spec flag name, or nullopt when unknown.
std::optional<unsigned int> parse_flag(std::string_view name);

// Every name of each kind, sorted (what `features` lists).
std::vector<std::string> action_names();
std::vector<std::string> operator_names();
std::vector<std::string> arch_names();  // only those this libseccomp can resolve
std::vector<std::string> flag_names();

}  // namespace ocirun::seccomp_plugin
