// Name tables for config.json: capabilities, rlimits, namespaces and mount options.
#include "spec/known_names.hpp"

#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <string>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

namespace ocirun::spec {
namespace {

// Index = capability number (linux/capability.h). Kept in number order on purpose.
constexpr std::array<std::string_view, 41> kCapabilities = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",         "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",      "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",   "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",          "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
static_assert(CAP_CHECKPOINT_RESTORE == 40, "capability table is indexed by number");

struct Rlimit {
    std::string_view name;
    int resource;
};
constexpr std::array<Rlimit, 16> kRlimits = {{
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
}};

struct Namespace {
    std::string_view type;
    int clone_flag;
    std::string_view proc_name;
};
constexpr std::array<Namespace, 8> kNamespaces = {{
    {"pid", CLONE_NEWPID, "pid"},
    {"network", CLONE_NEWNET, "net"},
    {"mount", CLONE_NEWNS, "mnt"},
    {"ipc", CLONE_NEWIPC, "ipc"},
    {"uts", CLONE_NEWUTS, "uts"},
    {"user", CLONE_NEWUSER, "user"},
    {"cgroup", CLONE_NEWCGROUP, "cgroup"},
    {"time", CLONE_NEWTIME, "time"},
}};

MountOption flag(std::string_view name, unsigned long ms, bool clear = false) {
    MountOption o;
    o.name = name;
    o.flag = ms;
    o.clear = clear;
    return o;
}
MountOption propagation(std::string_view name, unsigned long ms) {
    MountOption o = flag(name, ms);
    o.propagation = true;
    return o;
}
// The atime attributes form one field (MOUNT_ATTR__ATIME): whoever applies them must clear
// MOUNT_ATTR__ATIME before setting one (MOUNT_ATTR_RELATIME is 0).
MountOption rattr(std::string_view name, std::uint64_t attr, bool clear = false) {
    MountOption o;
    o.name = name;
    o.attr = attr;
    o.clear = clear;
    o.recursive_attr = true;
    return o;
}
MountOption idmap(std::string_view name, bool recursive) {
    MountOption o;
    o.name = name;
    o.attr = MOUNT_ATTR_IDMAP;
    o.idmap = true;
    o.recursive_attr = recursive;
    return o;
}
// Recognised but carries no kernel flag: "defaults", and runc's "tmpcopyup" extension (which
// core/linux/tmpfs_copyup.cpp applies).
MountOption marker(std::string_view name) { return flag(name, 0); }

const std::vector<MountOption>& mount_options() {
    static const std::vector<MountOption> table = {
        flag("ro", MS_RDONLY),
        flag("rw", MS_RDONLY, true),
        flag("suid", MS_NOSUID, true),
        flag("nosuid", MS_NOSUID),
        flag("dev", MS_NODEV, true),
        flag("nodev", MS_NODEV),
        flag("exec", MS_NOEXEC, true),
        flag("noexec", MS_NOEXEC),
        flag("sync", MS_SYNCHRONOUS),
        flag("async", MS_SYNCHRONOUS, true),
        flag("dirsync", MS_DIRSYNC),
        flag("remount", MS_REMOUNT),
        flag("mand", MS_MANDLOCK),
        flag("nomand", MS_MANDLOCK, true),
        flag("atime", MS_NOATIME, true),
        flag("noatime", MS_NOATIME),
        flag("diratime", MS_NODIRATIME, true),
        flag("nodiratime", MS_NODIRATIME),
        flag("relatime", MS_RELATIME),
        flag("norelatime", MS_RELATIME, true),
        flag("strictatime", MS_STRICTATIME),
        flag("nostrictatime", MS_STRICTATIME, true),
        flag("bind", MS_BIND),
        flag("rbind", MS_BIND | MS_REC),
        flag("lazytime", MS_LAZYTIME),
        flag("nolazytime", MS_LAZYTIME, true),
        flag("silent", MS_SILENT),
        flag("loud", MS_SILENT, true),
        flag("iversion", MS_I_VERSION),
        flag("noiversion", MS_I_VERSION, true),
        flag("acl", MS_POSIXACL),
        flag("noacl", MS_POSIXACL, true),
        flag("nosymfollow", MS_NOSYMFOLLOW),
        flag("symfollow", MS_NOSYMFOLLOW, true),
        marker("defaults"),
        propagation("private", MS_PRIVATE),
        propagation("rprivate", MS_PRIVATE | MS_REC),
        propagation("shared", MS_SHARED),
        propagation("rshared", MS_SHARED | MS_REC),
        propagation("slave", MS_SLAVE),
        propagation("rslave", MS_SLAVE | MS_REC),
        propagation("unbindable", MS_UNBINDABLE),
        propagation("runbindable", MS_UNBINDABLE | MS_REC),
        rattr("rro", MOUNT_ATTR_RDONLY),
        rattr("rrw", MOUNT_ATTR_RDONLY, true),
        rattr("rnosuid", MOUNT_ATTR_NOSUID),
        rattr("rsuid", MOUNT_ATTR_NOSUID, true),
        rattr("rnodev", MOUNT_ATTR_NODEV),
        rattr("rdev", MOUNT_ATTR_NODEV, true),
        rattr("rnoexec", MOUNT_ATTR_NOEXEC),
        rattr("rexec", MOUNT_ATTR_NOEXEC, true),
        rattr("rnodiratime", MOUNT_ATTR_NODIRATIME),
        rattr("rdiratime", MOUNT_ATTR_NODIRATIME, true),
        rattr("rrelatime", MOUNT_ATTR_RELATIME),
        rattr("rnorelatime", MOUNT_ATTR_RELATIME, true),
        rattr("rnoatime", MOUNT_ATTR_NOATIME),
        rattr("ratime", MOUNT_ATTR_NOATIME, true),
        rattr("rstrictatime", MOUNT_ATTR_STRICTATIME),
        rattr("rnostrictatime", MOUNT_ATTR_STRICTATIME, true),
        rattr("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW),
        rattr("rsymfollow", MOUNT_ATTR_NOSYMFOLLOW, true),
        idmap("idmap", false),
        idmap("ridmap", true),
        marker("tmpcopyup"),
    };
    return table;
}

struct SchedulerPolicy {
    std::string_view name;
    int policy;
};
constexpr std::array<SchedulerPolicy, 7> kSchedulerPolicies = {{
    {"SCHED_OTHER", SCHED_NORMAL},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", 4},  // reserved by the kernel, never merged: sched_setattr says EINVAL
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
}};

struct NamedBits {
    std::string_view name;
    std::uint64_t bits;
};
constexpr std::array<NamedBits, 7> kSchedulerFlags = {{
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
}};

constexpr std::array<NamedBits, 11> kPersonalityFlags = {{
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
}};

template <std::size_t N>
std::optional<std::uint64_t> find_bits(const std::array<NamedBits, N>& table, std::string_view name) {
    for (const auto& e : table)
        if (e.name == name) return e.bits;
    return std::nullopt;
}

std::optional<unsigned> parse_cpu_number(std::string_view text) {
    unsigned value = 0;
    if (text.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value >= kMaxCpus) return std::nullopt;
    return value;
}

}  // namespace

std::optional<int> scheduler_policy(std::string_view name) {
    for (const auto& p : kSchedulerPolicies)
        if (p.name == name) return p.policy;
    return std::nullopt;
}

const std::vector<std::string_view>& scheduler_policy_names() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto& p : kSchedulerPolicies) v.push_back(p.name);
        return v;
    }();
    return names;
}

std::optional<std::uint64_t> scheduler_flag(std::string_view name) { return find_bits(kSchedulerFlags, name); }

std::optional<int> io_priority_class(std::string_view name) {
    // The kernel's IOPRIO_CLASS_RT/BE/IDLE (linux/ioprio.h).
    if (name == "IOPRIO_CLASS_RT") return 1;
    if (name == "IOPRIO_CLASS_BE") return 2;
    if (name == "IOPRIO_CLASS_IDLE") return 3;
    return std::nullopt;
}

std::optional<unsigned long> personality_domain(std::string_view name) {
    if (name == "LINUX") return PER_LINUX;
    if (name == "LINUX32") return PER_LINUX32;
    return std::nullopt;
}

std::optional<unsigned long> personality_flag(std::string_view name) {
    return find_bits(kPersonalityFlags, name);
}

std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view list) {
    std::set<unsigned> cpus;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view item = list.substr(start, comma - start);
        const std::size_t dash = item.find('-');
        auto first = parse_cpu_number(item.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : parse_cpu_number(item.substr(dash + 1));
        if (!first || !last || *first > *last) return std::nullopt;
        for (unsigned c = *first; c <= *last; ++c) cpus.insert(c);
        start = comma + 1;
    }
    return std::vector<unsigned>(cpus.begin(), cpus.end());
}

std::optional<int> capability_number(std::string_view name) {
    for (std::size_t i = 0; i < kCapabilities.size(); ++i)
        if (kCapabilities[i] == name) return static_cast<int>(i);
    return std::nullopt;
}

const std::vector<std::string_view>& capability_names() {
    static const std::vector<std::string_view> names(kCapabilities.begin(), kCapabilities.end());
    return names;
}

std::optional<int> rlimit_resource(std::string_view name) {
    for (const auto& r : kRlimits)
        if (r.name == name) return r.resource;
    return std::nullopt;
}

const std::vector<std::string_view>& rlimit_names() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto& r : kRlimits) v.push_back(r.name);
        return v;
    }();
    return names;
}

std::optional<int> namespace_clone_flag(std::string_view type) {
    for (const auto& n : kNamespaces)
        if (n.type == type) return n.clone_flag;
    return std::nullopt;
}

const std::vector<std::string_view>& namespace_types() {
    static const std::vector<std::string_view> types = [] {
        std::vector<std::string_view> v;
        for (const auto& n : kNamespaces) v.push_back(n.type);
        return v;
    }();
    return types;
}

std::string_view namespace_proc_name(std::string_view type) {
    for (const auto& n : kNamespaces)
        if (n.type == type) return n.proc_name;
    return {};
}

const MountOption* find_mount_option(std::string_view name) {
    for (const auto& o : mount_options())
        if (o.name == name) return &o;
    return nullptr;
}

std::vector<std::string_view> mount_option_names() {
    std::vector<std::string_view> names;
    for (const auto& o : mount_options()) names.push_back(o.name);
    return names;
}

}  // namespace ocirun::spec
