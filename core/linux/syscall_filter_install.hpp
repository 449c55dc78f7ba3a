// Child side of the syscall filter: load a filter the seccomp plugin compiled in the runtime.
// Uses the raw seccomp(2) syscall, so no filter library code runs in the container.
#pragma once

#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun::linux_init {

// Loads `filter` into the calling thread (all threads with SECCOMP_FILTER_FLAG_TSYNC).
// Returns the seccomp listener fd when filter.notify is set (SCMP_ACT_NOTIFY), else -1; an empty
// filter.bpf ("no filter", e.g. linux.seccomp without defaultAction and syscalls) loads nothing.
// Throws ocirun::Error saying what failed.
//
// The kernel accepts a filter only with no_new_privs set or CAP_SYS_ADMIN in the effective set;
// lacking the capability, this sets PR_SET_NO_NEW_PRIVS. To keep setuid binaries working when
// process.noNewPrivileges is false, call it (as runc does) BEFORE dropping capabilities in that
// case, and as the very last step before execve when noNewPrivileges is true.
//
// After it returns, every syscall the init still makes before execve is subject to the filter.
int install_syscall_filter(const plugin::CompiledFilter& filter);

// What the compiled filter `bpf` answers for `call` (a SECCOMP_RET_* value), computed in user
// space without making the call: the init asks it about the trampoline's execveat before
// making it, since a profile may kill on a syscall it does not list. nullopt when the answer
// depends on the instruction pointer or the program uses an instruction seccomp refuses.
std::optional<std::uint32_t> filter_verdict(const std::vector<std::uint8_t>& bpf, const seccomp_data& call);

}  // namespace ocirun::linux_init
