// filter_verdict (core/linux/filter_verdict.cpp): the answer of a compiled profile for one call,
// computed in user space, must be what the kernel does with the same filter loaded.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "linux/syscall_filter_install.hpp"
#include "seccomp_test_support.hpp"

using namespace seccomp_test;
using ocirun::linux_init::filter_verdict;

namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif

seccomp_data call(int nr, std::uint64_t arg0 = 0) {
    seccomp_data d{};
    d.nr = nr;
    d.arch = kArch;
    d.args[0] = arg0;
    return d;
}

std::uint32_t action(std::optional<std::uint32_t> verdict) {
    return verdict ? *verdict & SECCOMP_RET_ACTION_FULL : 0xdeadbeefu;
}

}  // namespace

TEST(SeccompVerdict, KillOnExecveatIsSeenBeforeTheCall) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ALLOW", {rule({"execveat"}, "SCMP_ACT_KILL_PROCESS")}));
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_execveat))), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_execve))), SECCOMP_RET_ALLOW);
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_getpid))), SECCOMP_RET_ALLOW);
}

TEST(SeccompVerdict, AllowListWithoutExecveatAnswersErrno) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ERRNO", {rule({"execve", "read", "write"}, "SCMP_ACT_ALLOW")}));
    const auto refused = filter_verdict(f.bpf, call(SYS_execveat));
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(*refused & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
    EXPECT_EQ(*refused & SECCOMP_RET_DATA, static_cast<std::uint32_t>(EPERM));
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_execve))), SECCOMP_RET_ALLOW);
    // Another architecture is not the native one: libseccomp's filter refuses it.
    seccomp_data foreign = call(SYS_execve);
    foreign.arch = AUDIT_ARCH_I386 + 12345;
    EXPECT_NE(action(filter_verdict(f.bpf, foreign)), SECCOMP_RET_ALLOW);
}

// Argument filters (64-bit compares, split in two words by libseccomp), checked against the
// kernel: the same filter loaded in a child gives the same answer for each value.
TEST(SeccompVerdict, ArgumentFilterAgreesWithTheKernel) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile(
        "SCMP_ACT_ALLOW", {rule({"personality"}, "SCMP_ACT_ERRNO", 38, {arg(0, "SCMP_CMP_EQ", 8)}),
                           rule({"setpgid"}, "SCMP_ACT_ERRNO", 39, {arg(0, "SCMP_CMP_GT", 0x100000000ull)})}));
    EXPECT_EQ(*filter_verdict(f.bpf, call(SYS_personality, 8)), SECCOMP_RET_ERRNO | 38u);
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_personality, 0xffffffff))), SECCOMP_RET_ALLOW);
    EXPECT_EQ(*filter_verdict(f.bpf, call(SYS_setpgid, 0x100000001ull)), SECCOMP_RET_ERRNO | 39u);
    EXPECT_EQ(action(filter_verdict(f.bpf, call(SYS_setpgid, 0xffffffffull))), SECCOMP_RET_ALLOW);

    const int st = run_in_child([&] {
        if (ocirun::linux_init::install_syscall_filter(f) >= 0) return 1;
        if (::syscall(SYS_personality, 8) != -1 || errno != 38) return 2;
        if (::syscall(SYS_personality, 0xffffffff) < 0) return 3;  // a query, allowed
        if (::syscall(SYS_setpgid, 0x100000001ull, 0) != -1 || errno != 39) return 4;
        return 0;
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompVerdict, UnknowableOrMalformedGivesNoAnswer) {
    // A program reading the instruction pointer (offset 8): not known before the call.
    const sock_filter reads_ip[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    std::vector<std::uint8_t> bpf(sizeof reads_ip);
    std::memcpy(bpf.data(), reads_ip, sizeof reads_ip);
    EXPECT_FALSE(filter_verdict(bpf, call(SYS_execveat)).has_value());
    // Runs off its end.
    const sock_filter no_return[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    bpf.assign(sizeof no_return, 0);
    std::memcpy(bpf.data(), no_return, sizeof no_return);
    EXPECT_FALSE(filter_verdict(bpf, call(SYS_execveat)).has_value());
    EXPECT_FALSE(filter_verdict({}, call(SYS_execveat)).has_value());
}
