// The names config.json may use, mapped to kernel constants: one table for validation (core/spec)
// and application (core/linux) alike, so the two can never disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ocirun::spec {

// "CAP_SYS_ADMIN" -> 21. Every capability this build knows (up to CAP_LAST_CAP of the headers).
std::optional<int> capability_number(std::string_view name);
// All known capability names, in number order (for `features` and defaults).
const std::vector<std::string_view>& capability_names();

// "RLIMIT_NOFILE" -> RLIMIT_NOFILE.
std::optional<int> rlimit_resource(std::string_view name);
const std::vector<std::string_view>& rlimit_names();

// "pid" -> CLONE_NEWPID, ... "time" -> CLONE_NEWTIME. OCI namespace type names.
std::optional<int> namespace_clone_flag(std::string_view type);
const std::vector<std::string_view>& namespace_types();
// The /proc/PID/ns/<name> entry for an OCI type ("network" -> "net", "mount" -> "mnt").
std::string_view namespace_proc_name(std::string_view type);

// One mount option that is not passed to the filesystem as data.
struct MountOption {
    std::string_view name;
    bool clear = false;            // "rw", "suid", ...: clears `flag` instead of setting it
    unsigned long flag = 0;        // MS_* for mount(2)
    std::uint64_t attr = 0;        // MOUNT_ATTR_* for the recursive forms ("rro", "rnosuid"...)
    bool recursive_attr = false;   // applied with mount_setattr(AT_RECURSIVE)
    bool propagation = false;      // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (+MS_REC for r*)
    bool idmap = false;            // "idmap" / "ridmap"
};
// nullptr for a filesystem-specific option ("mode=755", "size=64k"): passed as mount data.
const MountOption* find_mount_option(std::string_view name);
// Every option name the table knows (for `features`.mountOptions).
std::vector<std::string_view> mount_option_names();

// process.scheduler.policy: "SCHED_FIFO" -> SCHED_FIFO (SCHED_ISO -> 4, which mainline kernels
// refuse with EINVAL at sched_setattr time, as runtime-spec lists it).
std::optional<int> scheduler_policy(std::string_view name);
const std::vector<std::string_view>& scheduler_policy_names();
// process.scheduler.flags: "SCHED_FLAG_RESET_ON_FORK" -> SCHED_FLAG_RESET_ON_FORK.
std::optional<std::uint64_t> scheduler_flag(std::string_view name);

// process.ioPriority.class: "IOPRIO_CLASS_RT" -> 1 (the kernel's IOPRIO_CLASS_* number).
std::optional<int> io_priority_class(std::string_view name);

// linux.personality.domain ("LINUX", "LINUX32") and flags. runtime-spec 1.3 defines no flag
// names; ocirun accepts the kernel's (<sys/personality.h>: "ADDR_NO_RANDOMIZE", ...).
std::optional<unsigned long> personality_domain(std::string_view name);
std::optional<unsigned long> personality_flag(std::string_view name);

// A CPU list as in process.execCPUAffinity ("0-3,7"): the CPU numbers, ascending and unique.
// nullopt when the syntax is wrong or a number is >= kMaxCpus (CPU_SETSIZE).
inline constexpr unsigned kMaxCpus = 1024;
std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view list);

}  // namespace ocirun::spec
