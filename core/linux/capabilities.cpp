#include "linux/capabilities.hpp"

#include <sys/capability.h>

#include <optional>

#include "spec/known_names.hpp"
#include "util/log.hpp"

namespace ocirun::linux_init {
namespace {

// The number of `name` when this kernel has it. cap_max_bits() is the running kernel's count
// (libcap probes it), which may be lower than the table's (the build's headers).
std::optional<int> available_capability(const std::string& name) {
    const auto number = spec::capability_number(name);
    if (!number || *number >= static_cast<int>(::cap_max_bits())) return std::nullopt;
    return number;
}

}  // namespace

std::set<int> available_capabilities(const std::vector<std::string>& names) {
    std::set<int> out;
    for (const auto& name : names)
        if (auto number = available_capability(name)) out.insert(*number);
    return out;
}

std::vector<std::string> unavailable_capabilities(const spec::LinuxCapabilities& caps) {
    std::set<std::string> out;  // sorted bytewise, like Go's sort.Strings
    for (const auto* set : {&caps.bounding, &caps.effective, &caps.inheritable, &caps.permitted, &caps.ambient})
        for (const auto& name : *set)
            if (!available_capability(name)) out.insert(name);
    return {out.begin(), out.end()};
}

void warn_unavailable_capabilities(const spec::Process& process) {
    if (!process.capabilities) return;
    const auto names = unavailable_capabilities(*process.capabilities);
    if (names.empty()) return;
    std::string list;  // Go's %v of a []string: "[A B]"
    for (const auto& name : names) list += (list.empty() ? "" : " ") + name;
    log::warn("ignoring unknown or unavailable capabilities: [" + list + "]");
}

}  // namespace ocirun::linux_init
