#include "kernel_probe.hpp"

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)  // Linux 5.19; older headers lack it
#endif

namespace ocirun::seccomp_plugin {
namespace {

long raw_seccomp(unsigned int op, unsigned int flags, void* args) {
    return ::syscall(SYS_seccomp, op, flags, args);
}

}  // namespace

std::string kernel_seccomp_unavailable_reason() {
    if (::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL)
        return "the kernel was built without seccomp (CONFIG_SECCOMP)";
    std::uint32_t allow = SECCOMP_RET_ALLOW;
    if (raw_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &allow) != 0)
        return std::string("the kernel has no seccomp filter mode (seccomp(2): ") +
               std::strerror(errno) + ")";
    return {};
}

bool kernel_accepts_flag(unsigned int flag) {
    // A NULL program with a known flag fails with EFAULT when the kernel copies it in; an
    // unknown flag fails earlier with EINVAL. Nothing gets installed either way.
    // WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER.
    if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    errno = 0;
    return raw_seccomp(SECCOMP_SET_MODE_FILTER, flag, nullptr) < 0 && errno == EFAULT;
}

bool kernel_has_action(std::uint32_t ret_action) {
    return raw_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &ret_action) == 0;
}

}  // namespace ocirun::seccomp_plugin
