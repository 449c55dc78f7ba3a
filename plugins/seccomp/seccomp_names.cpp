#include "seccomp_names.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <utility>

namespace ocirun::seccomp_plugin {
namespace {

constexpr std::pair<std::string_view, ActionKind> kActions[] = {
    {"SCMP_ACT_KILL", ActionKind::KillThread},  // the historical name of KILL_THREAD
    {"SCMP_ACT_KILL_THREAD", ActionKind::KillThread},
    {"SCMP_ACT_KILL_PROCESS", ActionKind::KillProcess},
    {"SCMP_ACT_TRAP", ActionKind::Trap},
    {"SCMP_ACT_ERRNO", ActionKind::Errno},
    {"SCMP_ACT_TRACE", ActionKind::Trace},
    {"SCMP_ACT_ALLOW", ActionKind::Allow},
    {"SCMP_ACT_LOG", ActionKind::Log},
    {"SCMP_ACT_NOTIFY", ActionKind::Notify},
};

constexpr std::pair<std::string_view, scmp_compare> kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

// The runtime-spec architecture names; libseccomp's own token is the lower-cased suffix.
constexpr std::string_view kArchs[] = {
    "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",
};

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)  // Linux 5.19; older headers lack it
#endif

constexpr std::pair<std::string_view, unsigned int> kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

template <class Table>
std::vector<std::string> sorted_names(const Table& table) {
    std::vector<std::string> out;
    for (const auto& entry : table) out.emplace_back(entry.first);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

std::optional<ActionKind> parse_action(std::string_view name) {
    for (const auto& [n, kind] : kActions)
        if (n == name) return kind;
    return std::nullopt;
}

std::uint32_t libseccomp_action(ActionKind kind, std::optional<std::uint32_t> ret) {
    const std::uint32_t data = ret ? (*ret & 0xffffu) : static_cast<std::uint32_t>(EPERM);
    switch (kind) {
        case ActionKind::KillThread: return SCMP_ACT_KILL_THREAD;
        case ActionKind::KillProcess: return SCMP_ACT_KILL_PROCESS;
        case ActionKind::Trap: return SCMP_ACT_TRAP;
        case ActionKind::Errno: return SCMP_ACT_ERRNO(data);
        case ActionKind::Trace: return SCMP_ACT_TRACE(data);
        case ActionKind::Allow: return SCMP_ACT_ALLOW;
        case ActionKind::Log: return SCMP_ACT_LOG;
        case ActionKind::Notify: return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_THREAD;
}

std::optional<scmp_compare> parse_operator(std::string_view name) {
    for (const auto& [n, op] : kOperators)
        if (n == name) return op;
    return std::nullopt;
}

std::optional<std::uint32_t> parse_arch(std::string_view name) {
    if (std::find(std::begin(kArchs), std::end(kArchs), name) == std::end(kArchs)) return std::nullopt;
    std::string token(name.substr(std::string_view("SCMP_ARCH_").size()));
    for (char& c : token) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::uint32_t arch = seccomp_arch_resolve_name(token.c_str());
    if (arch == 0) return std::nullopt;  // a spec name this libseccomp does not know
    return arch;
}

std::optional<unsigned int> parse_flag(std::string_view name) {
    for (const auto& [n, bit] : kFlags)
        if (n == name) return bit;
    return std::nullopt;
}

std::vector<std::string> action_names() { return sorted_names(kActions); }
std::vector<std::string> operator_names() { return sorted_names(kOperators); }
std::vector<std::string> flag_names() { return sorted_names(kFlags); }

std::vector<std::string> arch_names() {
    std::vector<std::string> out;
    for (std::string_view name : kArchs)
        if (parse_arch(name)) out.emplace_back(name);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ocirun::seccomp_plugin
