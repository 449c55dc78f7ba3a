// The seccomp plugin's compiler and the core's loader, for real: profiles are compiled by the
// plugin, loaded with install_syscall_filter in a forked child, and the child's syscalls are
// checked against what the profile says.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>

#include "linux/syscall_filter_install.hpp"
#include "seccomp_test_support.hpp"

using namespace seccomp_test;
using ocirun::linux_init::install_syscall_filter;
using ocirun::plugin::CompiledFilter;

namespace {

// -errno of a raw syscall, or its (non-negative) result.
template <class... A>
long sys(long nr, A... a) {
    const long r = ::syscall(nr, a...);
    return r < 0 ? -errno : r;
}

// Child body: load `filter`, then return check(); exit code 90 when loading failed.
int load_then(const CompiledFilter& filter, const std::function<int()>& check) {
    try {
        install_syscall_filter(filter);
    } catch (...) {
        return 90;
    }
    return check();
}

std::string compile_error(ocirun::plugin::SyscallFilter* p, const ocirun::spec::LinuxSeccomp& s) {
    try {
        p->compile(s);
    } catch (const ocirun::Error& e) {
        return e.what();
    }
    return "(no error)";
}

constexpr const char* kMissingDir = "/nonexistent-ocirun-seccomp-test/dir";

}  // namespace

TEST(SeccompCompile, DeniedWithDefaultEperm) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ALLOW", {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")}));
    EXPECT_FALSE(f.bpf.empty());
    EXPECT_FALSE(f.notify);
    // Unfiltered the call fails with ENOENT; filtered it must fail with EPERM.
    const int st = run_in_child([&] {
        if (sys(SYS_mkdir, kMissingDir, 0755) != -ENOENT) return 1;
        return load_then(f, [] { return sys(SYS_mkdir, kMissingDir, 0755) == -EPERM ? 0 : 2; });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, DeniedWithCustomErrno) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ALLOW", {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", 42)}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_mkdir, kMissingDir, 0755) != -42) return 1;
            if (sys(SYS_mkdirat, AT_FDCWD, kMissingDir, 0755) != -42) return 2;
            return sys(SYS_getppid) > 0 ? 0 : 3;  // everything else still allowed
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, KillActionsEndTheChildWithSigsys) {
    SECCOMP_REQUIRE_PLUGIN(p);
    for (const char* action : {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"}) {
        const auto f = p->compile(profile("SCMP_ACT_ALLOW", {rule({"getppid"}, action)}));
        const int st = run_in_child([&] {
            return load_then(f, [] {
                sys(SYS_getppid);
                return 1;  // must not get here
            });
        });
        EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) << action << ": " << describe_status(st);
    }
}

TEST(SeccompCompile, ArgumentFilterAllowsOnlyTheListedValue) {
    SECCOMP_REQUIRE_PLUGIN(p);
    // Like the default profiles: personality allowed for PER_LINUX only.
    const auto f = p->compile(profile("SCMP_ACT_ERRNO",
        {rule(exit_syscalls(), "SCMP_ACT_ALLOW"),
         rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt, {arg(0, "SCMP_CMP_EQ", 0)})}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_personality, 0) < 0) return 1;
            if (sys(SYS_personality, 8 /* PER_LINUX32 */) != -EPERM) return 2;
            if (sys(SYS_getppid) != -EPERM) return 3;
            return 0;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, SameIndexTwiceMeansEitherValue) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ERRNO",
        {rule(exit_syscalls(), "SCMP_ACT_ALLOW"),
         rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt,
              {arg(0, "SCMP_CMP_EQ", 0), arg(0, "SCMP_CMP_EQ", 0xffffffff)})}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_personality, 0) < 0) return 1;
            if (sys(SYS_personality, 0xffffffffUL) < 0) return 2;
            if (sys(SYS_personality, 8) != -EPERM) return 3;
            return 0;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, DistinctIndexesMustAllMatch) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ERRNO",
        {rule(exit_syscalls(), "SCMP_ACT_ALLOW"),
         rule({"getpriority"}, "SCMP_ACT_ALLOW", std::nullopt,
              {arg(0, "SCMP_CMP_EQ", PRIO_PROCESS), arg(1, "SCMP_CMP_EQ", 0)})}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_getpriority, PRIO_PROCESS, 0) < 0) return 1;
            if (sys(SYS_getpriority, PRIO_PROCESS, 1) != -EPERM) return 2;
            if (sys(SYS_getpriority, PRIO_PGRP, 0) != -EPERM) return 3;
            return 0;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, ComparisonOperators) {
    SECCOMP_REQUIRE_PLUGIN(p);
    // Each rule denies getpriority(which, who) with its own errno when its comparison holds.
    const auto f = p->compile(profile("SCMP_ACT_ALLOW",
        {rule({"getpriority"}, "SCMP_ACT_ERRNO", 11, {arg(1, "SCMP_CMP_GT", 1000)}),
         rule({"setpriority"}, "SCMP_ACT_ERRNO", 12, {arg(1, "SCMP_CMP_NE", 0)}),
         // MASKED_EQ: value is the mask, valueTwo the datum.
         rule({"personality"}, "SCMP_ACT_ERRNO", 13, {arg(0, "SCMP_CMP_MASKED_EQ", 0xff00, 0x0800)})}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_getpriority, PRIO_PROCESS, 4000000) != -11) return 1;
            if (sys(SYS_getpriority, PRIO_PROCESS, 0) < 0) return 2;
            if (sys(SYS_setpriority, PRIO_PROCESS, 1, 0) != -12) return 3;
            if (sys(SYS_personality, 0x0801) != -13) return 4;
            if (sys(SYS_personality, 0xffffffffUL) < 0) return 5;
            return 0;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, LogActionLetsTheCallThrough) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(profile("SCMP_ACT_ALLOW",
        {rule({"getppid"}, "SCMP_ACT_LOG"), rule({"getuid"}, "SCMP_ACT_ERRNO", 42)}));
    const pid_t parent = ::getpid();
    const int st = run_in_child([&] {
        return load_then(f, [&] {
            if (sys(SYS_getppid) != parent) return 1;
            return sys(SYS_getuid) == -42 ? 0 : 2;  // proves the filter is in place
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, DefaultErrnoRet) {
    SECCOMP_REQUIRE_PLUGIN(p);
    auto s = profile("SCMP_ACT_ERRNO", {rule(exit_syscalls(), "SCMP_ACT_ALLOW")});
    s.defaultErrnoRet = 77;
    const auto f = p->compile(s);
    const int st = run_in_child([&] {
        return load_then(f, [] { return sys(SYS_getppid) == -77 ? 0 : 1; });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, RedundantAndUnknownRulesAreSkipped) {
    SECCOMP_REQUIRE_PLUGIN(p);
    // A rule with the default action and an unknown syscall name are both accepted (runc).
    const auto f = p->compile(profile("SCMP_ACT_ALLOW",
        {rule({"getppid"}, "SCMP_ACT_ALLOW"),
         rule({"no_such_syscall_ocirun", "getuid"}, "SCMP_ACT_ERRNO", 42)}));
    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_getppid) < 0) return 1;
            return sys(SYS_getuid) == -42 ? 0 : 2;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, EmptyProfileMeansNoFilter) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto f = p->compile(ocirun::spec::LinuxSeccomp{});
    EXPECT_TRUE(f.bpf.empty());
    const int st = run_in_child([&] {
        if (install_syscall_filter(f) != -1) return 1;
        return ::prctl(PR_GET_SECCOMP) == 0 ? 0 : 2;  // still unfiltered
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, InstallRefusesATruncatedProgram) {
    CompiledFilter f;
    f.bpf = {1, 2, 3};
    EXPECT_THROW(install_syscall_filter(f), ocirun::Error);
}

#if defined(__x86_64__)
namespace {
// getpid through the 32-bit entry point (int $0x80, i386 syscall number 20).
long i386_getpid() {
    long r;
    asm volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
    return r;
}
}  // namespace

TEST(SeccompCompile, ArchitecturesAddToTheNativeOne) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const int probe = run_in_child([] { return i386_getpid() == ::getpid() ? 0 : 1; });
    if (!(WIFEXITED(probe) && WEXITSTATUS(probe) == 0))
        GTEST_SKIP() << "no i386 syscall entry on this kernel (ia32 emulation off)";

    auto s = profile("SCMP_ACT_ALLOW", {rule({"getpid"}, "SCMP_ACT_ERRNO", 42)});
    const auto native_only = p->compile(s);
    s.architectures = {"SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86_64"};
    const auto with_x86 = p->compile(s);
    EXPECT_GT(with_x86.bpf.size(), native_only.bpf.size());

    // Native only: a 32-bit syscall is a foreign architecture and kills (libseccomp's default).
    int st = run_in_child([&] { return load_then(native_only, [] { i386_getpid(); return 1; }); });
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) << describe_status(st);
    // With SCMP_ARCH_X86 the rule applies to the 32-bit call too, and native calls still work.
    st = run_in_child([&] {
        return load_then(with_x86, [] {
            if (i386_getpid() != -42) return 1;
            return sys(SYS_getpid) == -42 ? 0 : 2;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}
#endif

TEST(SeccompCompile, FlagsArePassedToTheKernel) {
    SECCOMP_REQUIRE_PLUGIN(p);
    auto s = profile("SCMP_ACT_ALLOW", {rule({"getuid"}, "SCMP_ACT_ERRNO", 42)});
    s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
               "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    const auto f = p->compile(s);
    // WAIT_KILLABLE_RECV is dropped: it needs a listener, and this profile notifies nothing.
    EXPECT_EQ(f.flags, static_cast<unsigned>(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                             SECCOMP_FILTER_FLAG_SPEC_ALLOW));
    const int st = run_in_child([&] {
        return load_then(f, [] { return sys(SYS_getuid) == -42 ? 0 : 1; });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}

TEST(SeccompCompile, InvalidProfilesNameTheJsonPath) {
    SECCOMP_REQUIRE_PLUGIN(p);
    auto s = profile("SCMP_ACT_ALLOW", {rule({"getuid"}, "SCMP_ACT_ERRNO"), rule({"getgid"}, "SCMP_ACT_ERRNO"),
                                        rule({"getpid"}, "SCMP_ACT_ERRNO"), rule({"getppid"}, "SCMP_ACT_FOO")});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"");

    s = profile("SCMP_ACT_NOPE", {});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"");

    s = profile("SCMP_ACT_ALLOW", {rule({"getuid"}, "SCMP_ACT_ERRNO", std::nullopt,
                                        {arg(0, "SCMP_CMP_EQ", 1), arg(1, "SCMP_CMP_FOO", 1)})});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_FOO\"");

    s = profile("SCMP_ACT_ALLOW", {rule({"getuid"}, "SCMP_ACT_ERRNO", std::nullopt, {arg(6, "SCMP_CMP_EQ", 1)})});
    EXPECT_EQ(compile_error(p, s).rfind("linux.seccomp.syscalls[0].args[0].index: 6 is out of range", 0), 0u)
        << compile_error(p, s);

    // ...but like runc, only on a syscall that is not skipped as unknown.
    s = profile("SCMP_ACT_ALLOW", {rule({"no_such_syscall_ocirun"}, "SCMP_ACT_ERRNO", std::nullopt,
                                        {arg(7, "SCMP_CMP_EQ", 1)})});
    EXPECT_EQ(compile_error(p, s), "(no error)");

    s = profile("SCMP_ACT_ALLOW", {rule({"mkdir"}, "SCMP_ACT_NOTIFY")});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");

    s = profile("SCMP_ACT_ALLOW", {rule({""}, "SCMP_ACT_ERRNO")});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.syscalls[0].names[0]: empty syscall name");

    s = profile("SCMP_ACT_ALLOW", {});
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"};
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");

    s = profile("SCMP_ACT_ALLOW", {});
    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FOO"};
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"");

    s = profile("SCMP_ACT_NOTIFY", {});
    EXPECT_EQ(compile_error(p, s),
              "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as the default action");

    s = profile("SCMP_ACT_ALLOW", {rule({"read", "write"}, "SCMP_ACT_NOTIFY")});
    s.listenerPath = "/run/agent.sock";
    EXPECT_EQ(compile_error(p, s),
              "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall");

    s = profile("", {rule({"getuid"}, "SCMP_ACT_ERRNO")});
    EXPECT_EQ(compile_error(p, s), "linux.seccomp.defaultAction: required when syscalls are listed");
}

TEST(SeccompFeatures, ShapeAndContent) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto v = boost::json::parse(p->features_json());
    const auto& sc = v.at("linux").at("seccomp").as_object();
    EXPECT_TRUE(sc.at("enabled").as_bool());
    auto names = [&](const char* key) {
        std::set<std::string> out;
        for (const auto& x : sc.at(key).as_array()) out.insert(std::string(x.as_string()));
        return out;
    };
    // runc 1.1.5 on this host lists exactly these actions and operators.
    EXPECT_EQ(names("actions"), (std::set<std::string>{
        "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"}));
    EXPECT_EQ(names("operators"), (std::set<std::string>{
        "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
        "SCMP_CMP_NE"}));
    const auto archs = names("archs");
    for (const char* a : {"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
                          "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64"})
        EXPECT_TRUE(archs.count(a)) << a;
    EXPECT_EQ(names("knownFlags"), (std::set<std::string>{
        "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}));
    // Linux 6.x has all four.
    EXPECT_EQ(names("supportedFlags"), names("knownFlags"));
    EXPECT_EQ(std::string(v.at("annotations").at("io.github.seccomp.libseccomp.version").as_string()).substr(0, 2), "2.");
}

namespace {

// A profile shaped like containerd's default: default ERRNO, one big ALLOW rule naming every
// x86_64 syscall except the ones the default profiles deny. About 300 names.
ocirun::spec::LinuxSeccomp containerd_like_profile() {
    static const std::set<std::string> denied = {
        "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
        "finit_module", "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
        "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages",
        "name_to_handle_at", "nfsservctl", "open_by_handle_at", "perf_event_open", "pivot_root",
        "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot",
        "request_key", "set_mempolicy", "setns", "settimeofday", "swapoff", "swapon", "sysfs",
        "_sysctl", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
        "afs_syscall", "tuxcall", "security", "putpmsg", "getpmsg", "vserver", "fsopen", "fsmount",
        "fsconfig", "fspick", "move_mount", "open_tree", "mount_setattr", "quotactl_fd",
        "kexec_file_load", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
        "set_mempolicy_home_node", "listmount", "statmount", "uretprobe", "cachestat",
        "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue", "landlock_create_ruleset",
        "landlock_add_rule", "landlock_restrict_self", "memfd_secret", "process_madvise",
        "epoll_pwait2", "process_mrelease", "pidfd_getfd", "io_uring_setup", "io_uring_enter",
        "io_uring_register", "modify_ldt", "setxattrat", "getxattrat", "listxattrat",
        "removexattrat", "open_tree_attr", "file_getattr", "file_setattr"};
    std::ifstream header("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    std::vector<std::string> names;
    const std::regex define(R"(^#define __NR_(\w+) \d+)");
    for (std::string line; std::getline(header, line);) {
        std::smatch m;
        if (std::regex_search(line, m, define) && !denied.count(m[1])) names.push_back(m[1]);
    }
    auto s = profile("SCMP_ACT_ERRNO", {});
    // One rule per name, as profiles generated from per-syscall lists (and runc's configs) have.
    for (const auto& n : names) s.syscalls.push_back(rule({n}, "SCMP_ACT_ALLOW"));
    s.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt, {arg(0, "SCMP_CMP_EQ", 0)}));
    s.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt, {arg(0, "SCMP_CMP_EQ", 8)}));
    s.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt,
                              {arg(0, "SCMP_CMP_EQ", 0xffffffff)}));
    s.syscalls.push_back(rule({"clone"}, "SCMP_ACT_ALLOW", std::nullopt,
                              {arg(0, "SCMP_CMP_MASKED_EQ", 0x7e020000, 0)}));
    s.syscalls.push_back(rule({"clone3"}, "SCMP_ACT_ERRNO", 38));  // ENOSYS, as containerd does
    return s;
}

}  // namespace

TEST(SeccompCompile, ContainerdSizedProfileCompileTimeAndExec) {
    SECCOMP_REQUIRE_PLUGIN(p);
    if (!std::filesystem::exists("/usr/include/x86_64-linux-gnu/asm/unistd_64.h") ||
        !std::filesystem::exists("/bin/busybox"))
        GTEST_SKIP() << "needs /usr/include/x86_64-linux-gnu/asm/unistd_64.h and /bin/busybox";
    const auto s = containerd_like_profile();
    ASSERT_GT(s.syscalls.size(), 250u);

    using clock = std::chrono::steady_clock;
    constexpr int kRuns = 20;
    CompiledFilter f;
    const auto t0 = clock::now();
    for (int i = 0; i < kRuns; ++i) f = p->compile(s);
    const auto per_compile = std::chrono::duration<double, std::milli>(clock::now() - t0).count() / kRuns;
    std::printf("[ seccomp  ] %zu rules -> %zu BPF instructions, flags 0x%x, compile %.3f ms (mean of %d)\n",
                s.syscalls.size(), f.bpf.size() / 8, f.flags, per_compile, kRuns);

    const int st = run_in_child([&] {
        return load_then(f, [] {
            if (sys(SYS_mount, "none", "/", "tmpfs", 0, nullptr) != -EPERM) return 1;
            ::execl("/bin/busybox", "busybox", "sh", "-c", "true", static_cast<char*>(nullptr));
            return 2;
        });
    });
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << describe_status(st);
}
