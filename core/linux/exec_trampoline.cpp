// The sealed trampoline memfd and the exec through it. See exec_trampoline.hpp for why.
#include "linux/exec_trampoline.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "linux/syscall_filter_install.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

// Newer than some headers: memfd executability (6.3) and its seal.
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

int create_memfd() {
    const unsigned base = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    // With vm.memfd_noexec=1 a memfd is only executable when asked for; kernels before 6.3
    // do not know MFD_EXEC (EINVAL) and make every memfd executable.
    int fd = ::memfd_create("ocirun-exec-trampoline", base | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = ::memfd_create("ocirun-exec-trampoline", base);
    return fd;
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // unknown: the filter is not asked (kMayAllow)
#endif

enum class ExecveatVerdict { kAllows, kRefuses, kMayAllow };

// What the container's filter (already loaded) would do with this very execveat call. Any
// answer but ALLOW or LOG (ERRNO, KILL, TRAP, TRACE, USER_NOTIF) means: do not make it.
ExecveatVerdict ask_filter_about_execveat(const std::vector<std::uint8_t>* filter_bpf, int fd,
                                          const char* empty_path, char* const argv[], char* const envp[]) {
    if (!filter_bpf || filter_bpf->empty()) return ExecveatVerdict::kAllows;
    if (kAuditArch == 0) return ExecveatVerdict::kMayAllow;
    seccomp_data call{};
    call.nr = SYS_execveat;
    call.arch = kAuditArch;
    call.args[0] = static_cast<std::uint64_t>(fd);
    call.args[1] = reinterpret_cast<std::uintptr_t>(empty_path);
    call.args[2] = reinterpret_cast<std::uintptr_t>(argv);
    call.args[3] = reinterpret_cast<std::uintptr_t>(envp);
    call.args[4] = AT_EMPTY_PATH;
    const auto verdict = filter_verdict(*filter_bpf, call);
    if (!verdict) return ExecveatVerdict::kMayAllow;
    const std::uint32_t action = *verdict & SECCOMP_RET_ACTION_FULL;
    return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG ? ExecveatVerdict::kAllows
                                                                    : ExecveatVerdict::kRefuses;
}

}  // namespace

UniqueFd make_sealed_trampoline() {
    UniqueFd fd(create_memfd());
    if (!fd) throw sys_error("exec trampoline: memfd_create");
    const unsigned char* p = kExecTrampoline.data();
    std::size_t left = kExecTrampoline.size();
    while (left > 0) {
        ssize_t n = ::write(fd.get(), p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw sys_error("exec trampoline: write to memfd");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    // F_SEAL_EXEC (6.3) also freezes the mode bits; older kernels refuse it with EINVAL.
    if (::fcntl(fd.get(), F_ADD_SEALS, seals | F_SEAL_EXEC) != 0) {
        if (errno != EINVAL || ::fcntl(fd.get(), F_ADD_SEALS, seals) != 0)
            throw sys_error("exec trampoline: seal memfd (F_ADD_SEALS)");
    }
    return fd;
}

void exec_through_trampoline(int trampoline_fd, const std::string& path, char* const argv[],
                             char* const envp[], std::string& what, const std::vector<std::uint8_t>* filter_bpf) {
    std::vector<char*> args{const_cast<char*>(kTrampolineMagic), const_cast<char*>(path.c_str())};
    for (char* const* a = argv; *a; ++a) args.push_back(*a);
    args.push_back(nullptr);
    static const char kEmptyPath[] = "";
    const std::string via_proc = "/proc/self/fd/" + std::to_string(trampoline_fd);
    // A seccomp profile may allow execve (every program needs it) but not execveat (strict
    // allow-lists): then go through /proc (the fd is close-on-exec, which only matters for
    // scripts, not this ELF). The filter is asked first, since it may kill on execveat.
    const ExecveatVerdict verdict =
        ask_filter_about_execveat(filter_bpf, trampoline_fd, kEmptyPath, args.data(), envp);
    if (verdict == ExecveatVerdict::kRefuses) {
        ::execve(via_proc.c_str(), args.data(), envp);
        const int execve_errno = errno;
        what = "exec trampoline: execve " + via_proc + " (the seccomp profile refuses execveat)";
        errno = execve_errno;
        return;
    }
    ::syscall(SYS_execveat, trampoline_fd, kEmptyPath, args.data(), envp, AT_EMPTY_PATH);
    const int execveat_errno = errno;
    // Refused after all (a filter the runtime itself runs under, or one not understood here).
    if (execveat_errno == EPERM || execveat_errno == ENOSYS || execveat_errno == EACCES) {
        ::execve(via_proc.c_str(), args.data(), envp);
        const int execve_errno = errno;
        what = "exec trampoline: execveat: " + std::string(std::strerror(execveat_errno)) +
               "; execve " + via_proc;
        errno = execve_errno;
        return;
    }
    what = "exec trampoline: execveat";
    errno = execveat_errno;
}

}  // namespace ocirun::linux_init
