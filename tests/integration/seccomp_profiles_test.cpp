// linux.seccomp profiles in real containers, each run through ocirun and, where the oracle is
// installed, through runc on the same bundle: kill actions, argument filters, LOG, a
// containerd-sized default profile, and which profiles both runtimes accept or refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;

namespace {

const std::vector<std::string> kNothing;

json::object rule(const std::vector<std::string>& names, const std::string& action, json::array args = {}) {
    json::array n;
    for (const auto& name : names) n.emplace_back(name);
    json::object r{{"names", n}, {"action", action}};
    if (!args.empty()) r["args"] = std::move(args);
    return r;
}

json::object allow_all_but(json::array syscalls) {
    return json::object{{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", std::move(syscalls)}};
}

// Runs `script` in a fresh bundle with `seccomp` through `runner`; checks nothing is left.
it::CommandResult run_with(it::Runner& runner, const json::object& seccomp, const std::vector<std::string>& args) {
    it::Bundle bundle;
    bundle.config().at("linux").as_object()["seccomp"] = seccomp;
    bundle.set_args(args);
    const auto id = it::unique_id("seccomp-prof");
    auto r = runner({"run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(it::leftovers(runner, id, bundle), kNothing);
    runner({"delete", "--force", id});
    return r;
}

// Same args through ocirun and (when installed) runc: equal exit codes and stdout.
it::CommandResult run_both(const json::object& seccomp, const std::vector<std::string>& args) {
    it::Runner ocirun = it::Runner::ocirun();
    auto mine = run_with(ocirun, seccomp, args);
    if (it::runc_available()) {
        it::Runner runc = it::Runner::runc();
        auto theirs = run_with(runc, seccomp, args);
        EXPECT_EQ(mine.exit_code, theirs.exit_code) << "ocirun: " << mine.describe() << "\nrunc: " << theirs.describe();
        EXPECT_EQ(mine.out, theirs.out) << "ocirun: " << mine.describe() << "\nrunc: " << theirs.describe();
    }
    return mine;
}

// Every syscall name in the x86_64 headers minus what containerd's default profile leaves out:
// about 300 names, like the profile containerd and podman generate.
json::array containerd_like_allow_list() {
    static const char* denied[] = {"acct", "add_key", "bpf", "clock_adjtime", "clock_settime",
        "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy",
        "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
        "lookup_dcookie", "mbind", "mount", "move_pages", "name_to_handle_at", "nfsservctl",
        "open_by_handle_at", "perf_event_open", "personality", "pivot_root", "process_vm_readv",
        "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key",
        "set_mempolicy", "setns", "settimeofday", "swapon", "swapoff", "sysfs", "_sysctl",
        "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old"};
    std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    json::array names;
    const std::string prefix = "#define __NR_";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        std::string name = line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size());
        if (std::none_of(std::begin(denied), std::end(denied), [&](const char* d) { return name == d; }))
            names.emplace_back(name);
    }
    return names;
}

}  // namespace

TEST(SeccompProfiles, KillProcessEndsTheContainerWithSigsys) {
    const auto r = run_both(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_KILL_PROCESS")}),
                            {"sh", "-c", "exec mkdir /tmp/never"});
    EXPECT_EQ(r.exit_code, 128 + 31) << r.describe();  // SIGSYS
}

TEST(SeccompProfiles, ArgumentFilterDeniesOnlyTheListedValue) {
    // personality(PER_LINUX32 = 8) denied; personality(PER_LINUX = 0) allowed.
    json::array args{json::object{{"index", 0}, {"value", 8}, {"op", "SCMP_CMP_EQ"}}};
    const auto r = run_both(allow_all_but({rule({"personality"}, "SCMP_ACT_ERRNO", args)}),
                            {"sh", "-c", "linux64 true; echo linux64=$?; linux32 true 2>/dev/null; echo linux32=$?"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("linux64=0"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("linux32=1"), std::string::npos) << r.describe();
}

TEST(SeccompProfiles, LogActionLetsTheCallThrough) {
    const auto r = run_both(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_LOG")}),
                            {"sh", "-c", "mkdir /dev/shm/logged && echo made; grep -c '^Seccomp:.*2' /proc/self/status"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "made\n1\n") << r.describe();
}

TEST(SeccompProfiles, ContainerdSizedDefaultProfileStillRunsAShell) {
    json::object seccomp{{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 1},
                         {"architectures", json::array{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}}};
    json::array names = containerd_like_allow_list();
    ASSERT_GT(names.size(), 250u) << "could not read the syscall table";
    seccomp["syscalls"] = json::array{rule({}, "SCMP_ACT_ALLOW")};
    seccomp["syscalls"].as_array()[0].as_object()["names"] = std::move(names);
    const auto r = run_both(seccomp, {"sh", "-c",
                                      "echo hello; ls /bin >/dev/null && echo listed; "
                                      "mkdir /dev/shm/d && echo made; unshare -m true 2>/dev/null; echo unshare=$?"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "hello\nlisted\nmade\nunshare=1\n") << r.describe();
}

// Which profiles are accepted at create: ocirun must agree with runc on each.
TEST(SeccompProfiles, AcceptedAndRefusedLikeRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    struct Case {
        const char* name;
        json::object seccomp;
        bool accepted;
    };
    json::array bad_op{json::object{{"index", 0}, {"value", 1}, {"op", "SCMP_CMP_BOGUS"}}};
    const std::vector<Case> cases{
        {"unknown action", allow_all_but({rule({"getpid"}, "SCMP_ACT_BOGUS")}), false},
        {"unknown operator", allow_all_but({rule({"getpid"}, "SCMP_ACT_ERRNO", bad_op)}), false},
        {"unknown architecture",
         json::object{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", json::array{"SCMP_ARCH_BOGUS"}}},
         false},
        {"unknown default action", json::object{{"defaultAction", "SCMP_ACT_BOGUS"}}, false},
        {"notify without listenerPath", allow_all_but({rule({"getpid"}, "SCMP_ACT_NOTIFY")}), false},
        {"notify as the default action", json::object{{"defaultAction", "SCMP_ACT_NOTIFY"}}, false},
        {"unknown syscall name is skipped", allow_all_but({rule({"no_such_syscall"}, "SCMP_ACT_ERRNO")}), true},
        {"errno rule", allow_all_but({rule({"mkdir"}, "SCMP_ACT_ERRNO")}), true},
        {"trace and kill-thread rules",
         allow_all_but({rule({"mkdir"}, "SCMP_ACT_TRACE"), rule({"rmdir"}, "SCMP_ACT_KILL_THREAD")}), true},
        {"empty object", json::object{}, true},
    };
    std::vector<it::Runner> runners;
    runners.push_back(it::Runner::ocirun());
    runners.push_back(it::Runner::runc());
    for (const auto& c : cases) {
        for (const it::Runner& runner : runners) {
            it::Bundle bundle;
            bundle.config().at("linux").as_object()["seccomp"] = c.seccomp;
            bundle.save();
            const auto id = it::unique_id("seccomp-accept");
            const auto r = runner({"create", "--bundle", bundle.path().string(), id});
            EXPECT_EQ(r.exit_code == 0, c.accepted) << runner.name() << ", " << c.name << ": " << r.describe();
            runner({"delete", "--force", id});
            EXPECT_EQ(it::leftovers(runner, id, bundle), kNothing) << runner.name() << ", " << c.name;
        }
    }
}

// Unknown syscall names are skipped like runc, and said so at debug level (runc logs them too).
TEST(SeccompProfiles, UnknownSyscallIsSkippedWithADebugLog) {
    it::Bundle bundle;
    bundle.config().at("linux").as_object()["seccomp"] =
        allow_all_but({rule({"no_such_syscall", "mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    bundle.set_args({"sh", "-c", "mkdir /dev/shm/x 2>/dev/null; echo rc=$?"});
    it::TempDir logs("ocirun-it-seccomp-log");
    const std::string log = (logs.path() / "log.json").string();
    it::Runner ocirun = it::Runner::ocirun();
    const auto id = it::unique_id("seccomp-skip");
    const auto r = ocirun({"--debug", "--log", log, "--log-format", "json", "run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "rc=1\n") << r.describe();  // the known names of the same rule still apply
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("unknown syscall \\\"no_such_syscall\\\" skipped"), std::string::npos) << text;
    EXPECT_NE(text.find("\"level\":\"debug\""), std::string::npos) << text;
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}
