#include "profile_compiler.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>

#include "kernel_probe.hpp"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)  // Linux 5.19; older headers lack it
#endif
#include "seccomp_names.hpp"

namespace ocirun::seccomp_plugin {
namespace {

constexpr const char* kPath = "linux.seccomp";
constexpr unsigned kMaxSyscallArgs = 6;
// Above this many rules, ask libseccomp for a binary-tree filter (runc uses the same bound:
// libseccomp <= 2.5.4 misbehaves with the tree and no rules).
constexpr std::size_t kBinaryTreeThreshold = 32;

struct FilterDeleter {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using FilterCtx = std::unique_ptr<void, FilterDeleter>;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

Error libseccomp_error(const std::string& where, const std::string& what, int rc) {
    return Error(where + ": " + what + ": " + std::strerror(-rc));
}

std::uint32_t parse_action_at(const std::string& path, const std::string& name,
                              std::optional<std::uint32_t> ret, ActionKind* kind_out = nullptr) {
    const auto kind = parse_action(name);
    if (!kind) throw Error(path + ": unknown action " + quoted(name));
    if (kind_out) *kind_out = *kind;
    return libseccomp_action(*kind, ret);
}

unsigned int parse_flags(const spec::LinuxSeccomp& s) {
    unsigned int flags = 0;
    for (std::size_t i = 0; i < s.flags.size(); ++i) {
        const std::string path = std::string(kPath) + ".flags[" + std::to_string(i) + "]";
        const auto bit = parse_flag(s.flags[i]);
        if (!bit) throw Error(path + ": unknown flag " + quoted(s.flags[i]));
        if (!kernel_accepts_flag(*bit))
            throw Error(path + ": " + s.flags[i] + " is not supported by this kernel");
        flags |= *bit;
    }
    return flags;
}

// A rule's argument conditions. Operators are checked up front; an out-of-range index only
// once a syscall name of the rule resolves (runc accepts it on syscalls it skips).
struct Conditions {
    std::vector<scmp_arg_cmp> conds;
    bool same_index_repeated = false;
    std::string bad_index_error;  // non-empty: using these conditions is an error
};

Conditions parse_conditions(const std::string& rule_path, const std::vector<spec::LinuxSeccompArg>& args) {
    Conditions out;
    std::array<unsigned, kMaxSyscallArgs> per_index{};
    for (std::size_t k = 0; k < args.size(); ++k) {
        const auto& a = args[k];
        const std::string path = rule_path + ".args[" + std::to_string(k) + "]";
        const auto op = parse_operator(a.op);
        if (!op) throw Error(path + ".op: unknown operator " + quoted(a.op));
        if (a.index >= kMaxSyscallArgs) {
            if (out.bad_index_error.empty())
                out.bad_index_error = path + ".index: " + std::to_string(a.index) +
                                      " is out of range (a syscall has arguments 0 to 5)";
            continue;
        }
        // For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum; other operators
        // use value only.
        out.conds.push_back(scmp_arg_cmp{a.index, *op, a.value, a.valueTwo});
        if (++per_index[a.index] > 1) out.same_index_repeated = true;
    }
    return out;
}

void add_rules(void* ctx, const spec::LinuxSeccomp& s, std::uint32_t default_action,
               std::vector<std::string>& skipped) {
    for (std::size_t i = 0; i < s.syscalls.size(); ++i) {
        const auto& rule = s.syscalls[i];
        const std::string path = std::string(kPath) + ".syscalls[" + std::to_string(i) + "]";
        ActionKind kind{};
        const std::uint32_t action = parse_action_at(path + ".action", rule.action, rule.errnoRet, &kind);
        const Conditions parsed = parse_conditions(path, rule.args);
        const auto& conds = parsed.conds;

        for (std::size_t j = 0; j < rule.names.size(); ++j) {
            const std::string& name = rule.names[j];
            const std::string name_path = path + ".names[" + std::to_string(j) + "]";
            if (name.empty()) throw Error(name_path + ": empty syscall name");
            if (kind == ActionKind::Notify && name == "write")
                throw Error(name_path + ": SCMP_ACT_NOTIFY cannot be used for the write syscall");
            if (action == default_action) continue;  // redundant: libseccomp would refuse it
            const int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {  // unknown to libseccomp: skipped like runc
                skipped.push_back(name);
                continue;
            }
            if (!parsed.bad_index_error.empty()) throw Error(parsed.bad_index_error);

            if (conds.empty() || !parsed.same_index_repeated) {
                const int rc = seccomp_rule_add_array(ctx, action, nr,
                                                      static_cast<unsigned>(conds.size()),
                                                      conds.empty() ? nullptr : conds.data());
                if (rc < 0) throw libseccomp_error(name_path, "adding rule for " + quoted(name), rc);
            } else {
                for (const auto& cond : conds) {
                    const int rc = seccomp_rule_add_array(ctx, action, nr, 1, &cond);
                    if (rc < 0) throw libseccomp_error(name_path, "adding rule for " + quoted(name), rc);
                }
            }
        }
    }
}

// libseccomp 2.5.4 has no seccomp_export_bpf_mem (2.6+): export to a memfd and read it back.
std::vector<std::uint8_t> export_bpf(void* ctx) {
    const int fd = ::memfd_create("ocirun-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0) throw sys_error("linux.seccomp: memfd_create for the compiled filter");
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    const int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) throw libseccomp_error(kPath, "exporting the BPF program", rc);
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size < 0) throw sys_error("linux.seccomp: sizing the compiled filter");
    std::vector<std::uint8_t> bpf(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < bpf.size()) {
        const ssize_t n = ::pread(fd, bpf.data() + done, bpf.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw sys_error("linux.seccomp: reading the compiled filter");
        done += static_cast<std::size_t>(n);
    }
    return bpf;
}

bool uses_notify(const spec::LinuxSeccomp& s) {
    for (const auto& rule : s.syscalls)
        if (rule.action == "SCMP_ACT_NOTIFY" && !rule.names.empty()) return true;
    return false;
}

}  // namespace

plugin::CompiledFilter compile_profile(const spec::LinuxSeccomp& s) {
    plugin::CompiledFilter out;
    out.listener_path = s.listenerPath;
    out.listener_metadata = s.listenerMetadata;
    if (s.defaultAction.empty() && s.syscalls.empty()) return out;  // runc: seccomp disabled

    const std::string default_path = std::string(kPath) + ".defaultAction";
    if (s.defaultAction.empty()) throw Error(default_path + ": required when syscalls are listed");
    ActionKind default_kind{};
    const std::uint32_t default_action =
        parse_action_at(default_path, s.defaultAction, s.defaultErrnoRet, &default_kind);
    if (default_kind == ActionKind::Notify)
        throw Error(default_path + ": SCMP_ACT_NOTIFY cannot be used as the default action");

    FilterCtx ctx(seccomp_init(default_action));
    if (!ctx) throw Error(default_path + ": libseccomp refused the default action " + s.defaultAction);

    for (std::size_t i = 0; i < s.architectures.size(); ++i) {
        const std::string path = std::string(kPath) + ".architectures[" + std::to_string(i) + "]";
        const auto arch = parse_arch(s.architectures[i]);
        if (!arch) throw Error(path + ": unknown architecture " + quoted(s.architectures[i]));
        const int rc = seccomp_arch_add(ctx.get(), *arch);
        if (rc < 0 && rc != -EEXIST) throw libseccomp_error(path, "adding " + s.architectures[i], rc);
    }

    out.flags = parse_flags(s);
    out.notify = uses_notify(s);
    if (out.notify && s.listenerPath.empty())
        throw Error(std::string(kPath) + ".listenerPath: required when SCMP_ACT_NOTIFY is used");
    // WAIT_KILLABLE_RECV only qualifies a listener; the kernel refuses it without one, so a
    // profile without SCMP_ACT_NOTIFY simply has nothing for it to act on.
    if (!out.notify) out.flags &= ~static_cast<unsigned int>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    if (out.notify && (out.flags & SECCOMP_FILTER_FLAG_TSYNC)) {
        // TSYNC and NEW_LISTENER are exclusive unless TSYNC failures report ESRCH (Linux 5.7).
        if (!kernel_accepts_flag(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
            throw Error(std::string(kPath) +
                        ".flags: SECCOMP_FILTER_FLAG_TSYNC with SCMP_ACT_NOTIFY needs Linux 5.7+");
        out.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }

    if (s.syscalls.size() > kBinaryTreeThreshold)
        seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);  // best effort, like runc

    add_rules(ctx.get(), s, default_action, out.skipped_syscalls);
    out.bpf = export_bpf(ctx.get());
    return out;
}

}  // namespace ocirun::seccomp_plugin
