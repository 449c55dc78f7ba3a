#include "linux/syscall_filter_install.hpp"

#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <limits>
#include <string>

#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

bool has_effective_cap_sys_admin() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, data) != 0) return false;
    return (data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) != 0;
}

std::string hex(unsigned int v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

}  // namespace

int install_syscall_filter(const plugin::CompiledFilter& filter) {
    if (filter.bpf.empty()) return -1;
    if (filter.bpf.size() % sizeof(sock_filter) != 0)
        throw Error("seccomp: compiled filter is " + std::to_string(filter.bpf.size()) +
                    " bytes, not a whole number of BPF instructions");
    const std::size_t count = filter.bpf.size() / sizeof(sock_filter);
    if (count > std::numeric_limits<unsigned short>::max())
        throw Error("seccomp: compiled filter has " + std::to_string(count) +
                    " instructions, more than a BPF program can hold");

    if (!has_effective_cap_sys_admin() && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        throw sys_error("seccomp: prctl(PR_SET_NO_NEW_PRIVS) before loading the filter");

    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(count);
    // The kernel only reads the program; sock_fprog's pointer is non-const for historical reasons.
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<std::uint8_t*>(filter.bpf.data()));
    const unsigned int flags = filter.flags | (filter.notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0u);

    const long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0)
        throw sys_error("seccomp: loading the filter (" + std::to_string(count) +
                        " instructions, flags " + hex(flags) + ")");
    // With TSYNC (and no TSYNC_ESRCH) a positive result is the id of a thread that blocked it.
    if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && !filter.notify && rc > 0)
        throw Error("seccomp: SECCOMP_FILTER_FLAG_TSYNC failed: thread " + std::to_string(rc) +
                    " could not be synchronized");
    return filter.notify ? static_cast<int>(rc) : -1;
}

}  // namespace ocirun::linux_init
