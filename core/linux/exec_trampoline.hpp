// The CVE-2019-5736 defence: the container's process never execs its program straight from the
// runtime's image. It execs a tiny static trampoline (trampoline/exec_trampoline.c) from a
// sealed memfd, and the trampoline execs the program. Until then /proc/self/exe is the host's
// ocirun; from then on it is the sealed memfd, so a `#!/proc/self/exe` script or an open of
// /proc/PID/exe never reaches the host binary. Shared by the init and `exec` (exec_process).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

// The trampoline's bytes, embedded at build time (generated exec_trampoline_bytes.cpp).
extern const std::span<const unsigned char> kExecTrampoline;

// argv[0] the trampoline insists on: started any other way it refuses (exit 126).
inline constexpr const char* kTrampolineMagic = "ocirun-exec-trampoline";

// A close-on-exec memfd holding the trampoline, sealed against every change
// (F_SEAL_SEAL|SHRINK|GROW|WRITE, and F_SEAL_EXEC where the kernel has it). Throws ocirun::Error.
UniqueFd make_sealed_trampoline();

// execve(path, argv, envp) through the trampoline in `trampoline_fd`: execveat(AT_EMPTY_PATH),
// or execve("/proc/self/fd/N") when the container's seccomp filter (`filter_bpf`, already
// loaded; null: none) would refuse execveat: it is evaluated here first (filter_verdict), so a
// profile that kills on execveat never sees one. Returns only on failure, with errno set and
// `what` naming the call that failed.
void exec_through_trampoline(int trampoline_fd, const std::string& path, char* const argv[],
                             char* const envp[], std::string& what,
                             const std::vector<std::uint8_t>* filter_bpf = nullptr);

}  // namespace ocirun::linux_init
