// Seccomp profiles that leave out what a runtime might call after loading the filter
// (close_range, sendmsg/sendto, recvmsg, execveat, ...), each through ocirun and runc on the same
// bundle, for `run`, `create` + `start` and `exec` into a running container, with and without
// noNewPrivileges: the container's process must run under both, with the same output. Also the
// error of a notify profile whose agent is not listening.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

json::array names_of(const std::vector<std::string>& names) {
    json::array a;
    for (const auto& n : names) a.emplace_back(n);
    return a;
}

json::object allow_only(json::array names) {
    return json::object{{"defaultAction", "SCMP_ACT_ERRNO"},
                        {"syscalls", json::array{json::object{{"names", std::move(names)}, {"action", "SCMP_ACT_ALLOW"}}}}};
}

// A hand-written allow-list of ordinary syscalls, the kind of the OCI runtime-tools generator's
// default or an old Docker profile: no mkdir/mkdirat, close_range, sendmsg, sendto, recvmsg,
// recvfrom, execveat, memfd_create. runc 1.1.5 runs a busybox shell under it (checked by hand,
// run / create+start / exec, noNewPrivileges true and false).
json::object strict_profile() {
    return allow_only(names_of({
        "read", "write", "readv", "writev", "open", "openat", "close", "fstat", "newfstatat", "stat", "lstat",
        "statx", "fstatfs", "statfs", "mmap", "mprotect", "munmap", "brk", "rt_sigaction", "rt_sigprocmask",
        "rt_sigreturn", "sigaltstack", "ioctl", "access", "faccessat", "faccessat2", "execve", "exit",
        "exit_group", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "setuid",
        "setgid", "setresuid", "setresgid", "setgroups", "capget", "capset", "prctl", "arch_prctl", "chdir",
        "fchdir", "getcwd", "fcntl", "dup", "dup2", "dup3", "pipe", "pipe2", "wait4", "clone", "fork", "vfork",
        "kill", "tgkill", "uname", "getdents64", "lseek", "select", "poll", "pselect6", "ppoll", "nanosleep",
        "clock_nanosleep", "clock_gettime", "futex", "set_tid_address", "set_robust_list", "rseq",
        "prlimit64", "getrlimit", "getrandom", "umask", "readlink", "readlinkat", "sched_yield",
        "sched_getaffinity", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait"}));
}

// Every syscall name in the x86_64 headers minus what containerd's default profile leaves out,
// and minus close_range, sendmsg and sendto (containerd 1.5-era / Docker 20.10-era profiles
// predate close_range; some hand-trimmed ones drop the socket sends).
json::object containerd_like_profile_without_close_range_and_sendmsg() {
    static const char* denied[] = {"acct", "add_key", "bpf", "clock_adjtime", "clock_settime",
        "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy",
        "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
        "lookup_dcookie", "mbind", "mount", "move_pages", "name_to_handle_at", "nfsservctl",
        "open_by_handle_at", "perf_event_open", "personality", "pivot_root", "process_vm_readv",
        "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key",
        "set_mempolicy", "setns", "settimeofday", "swapon", "swapoff", "sysfs", "_sysctl",
        "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
        "close_range", "sendmsg", "sendto", "mkdir", "mkdirat"};
    std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    json::array names;
    const std::string prefix = "#define __NR_";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        std::string name = line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size());
        if (std::none_of(std::begin(denied), std::end(denied), [&](const char* d) { return name == d; }))
            names.emplace_back(name);
    }
    return allow_only(std::move(names));
}

// What the process prints: it runs, an ordinary syscall works, mkdir is refused, and whether
// no_new_privs is set.
const std::string kScript =
    "echo hi; ls / >/dev/null && echo listed; mkdir /made 2>/dev/null; echo mkdir=$?; "
    "grep NoNewPrivs /proc/self/status";

// runc 1.1.5 may leave its init behind after a failed create; only ocirun's cleanup is checked.
void expect_nothing_left_by_ocirun(const it::Runner& rt, const std::string& id, const it::Bundle& bundle) {
    if (rt.name() == "runc") return;
    EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing);
}

void configure(it::Bundle& bundle, const json::object& profile, bool no_new_privileges) {
    bundle.set_readonly(false);
    json::object& config = bundle.config();
    config["linux"].as_object()["seccomp"] = profile;
    config["process"].as_object()["noNewPrivileges"] = no_new_privileges;
    bundle.save();
}

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string describe;
};

Outcome via_run(const it::Runner& rt, const json::object& profile, bool nnp) {
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", kScript});
    configure(bundle, profile, nnp);
    const auto id = it::unique_id("scp-run");
    const auto r = rt({"run", "--bundle", bundle.path().string(), id});
    rt({"delete", "--force", id});
    expect_nothing_left_by_ocirun(rt, id, bundle);
    return {r.exit_code, r.out, r.describe()};
}

// create, then start; the process writes to /out in the rootfs (its stdout is create's).
Outcome via_create_start(const it::Runner& rt, const json::object& profile, bool nnp) {
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", "{ " + kScript + "; } >/out 2>&1"});
    configure(bundle, profile, nnp);
    const auto id = it::unique_id("scp-start");
    const auto created = rt({"create", "--bundle", bundle.path().string(), id});
    Outcome o{created.exit_code, "", "create: " + created.describe()};
    if (created.exit_code == 0) {
        const auto started = rt({"start", id});
        o.exit_code = started.exit_code;
        o.describe += "\nstart: " + started.describe();
        if (started.exit_code == 0) {
            EXPECT_TRUE(it::eventually([&] { return rt.state(id).at("status").as_string() == "stopped"; }, 10s))
                << rt.name();
            o.out = it::read_file(bundle.rootfs() / "out");
        }
    }
    rt({"delete", "--force", id});
    expect_nothing_left_by_ocirun(rt, id, bundle);
    return o;
}

Outcome via_exec(const it::Runner& rt, const json::object& profile, bool nnp) {
    it::DetachedContainer c(rt, "scp-exec", [&](it::Bundle& b) { configure(b, profile, nnp); });
    if (!c.started()) return {-1, "", "run -d sleep: " + c.describe()};
    const auto r = c.exec({}, {"sh", "-c", kScript});
    return {r.exit_code, r.out, r.describe()};
}

// Each way of starting a process, noNewPrivileges true and false: ocirun as runc, and both run it.
void expect_runs_like_runc(const json::object& profile) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    using Way = Outcome (*)(const it::Runner&, const json::object&, bool);
    const std::pair<const char*, Way> ways[] = {
        {"run", via_run}, {"create+start", via_create_start}, {"exec", via_exec}};
    for (const bool nnp : {true, false}) {
        for (const auto& [name, way] : ways) {
            SCOPED_TRACE(std::string(name) + (nnp ? ", noNewPrivileges" : ", without noNewPrivileges"));
            const Outcome theirs = way(runc, profile, nnp);
            const Outcome mine = way(ocirun, profile, nnp);
            const std::string want = std::string("hi\nlisted\nmkdir=1\nNoNewPrivs:\t") + (nnp ? "1" : "0") + "\n";
            EXPECT_EQ(theirs.exit_code, 0) << "runc: " << theirs.describe;
            EXPECT_EQ(theirs.out, want) << "runc: " << theirs.describe;
            EXPECT_EQ(mine.exit_code, theirs.exit_code) << "ocirun: " << mine.describe;
            EXPECT_EQ(mine.out, theirs.out) << "ocirun: " << mine.describe;
        }
    }
}

}  // namespace

// issue 13 item 1: "ocirun init: sync socket: send: Operation not permitted" (and close_range)
// killed every container under a strict allow-list; runc runs it and only mkdir is refused.
TEST(SeccompParity, StrictAllowListRunsTheProcessLikeRunc) { expect_runs_like_runc(strict_profile()); }

TEST(SeccompParity, ContainerdProfileWithoutCloseRangeAndSendmsgRunsLikeRunc) {
    const json::object profile = containerd_like_profile_without_close_range_and_sendmsg();
    ASSERT_GT(profile.at("syscalls").as_array()[0].as_object().at("names").as_array().size(), 250u)
        << "could not read the syscall table";
    expect_runs_like_runc(profile);
}

// A profile that kills on execveat (runc never calls it): the exec trampoline must not call it
// either, but go through execve("/proc/self/fd/N"); the filter is asked first.
TEST(SeccompParity, ProfileKillingOnExecveatRunsLikeRunc) {
    json::object profile{{"defaultAction", "SCMP_ACT_ALLOW"},
                         {"syscalls", json::array{json::object{{"names", json::array{"execveat"}},
                                                               {"action", "SCMP_ACT_KILL_PROCESS"}}}}};
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    for (const bool nnp : {true, false}) {
        SCOPED_TRACE(nnp ? "noNewPrivileges" : "without noNewPrivileges");
        for (auto way : {via_run, via_exec}) {
            const Outcome theirs = way(runc, profile, nnp);
            const Outcome mine = way(ocirun, profile, nnp);
            EXPECT_EQ(theirs.exit_code, 0) << "runc: " << theirs.describe;
            EXPECT_EQ(mine.exit_code, theirs.exit_code) << "ocirun: " << mine.describe;
            EXPECT_EQ(mine.out, theirs.out) << "ocirun: " << mine.describe;
        }
    }
}

// issue 13 item 7: SCMP_ACT_NOTIFY with a listenerPath nobody listens on. runc 1.1.5: exit 1,
// "... unable to start container process: failed to connect with seccomp agent specified in the
// seccomp profile: dial unix PATH: connect: no such file or directory".
TEST(SeccompParity, NotifyWithoutAgentFailsLikeRunc) {
    it::TempDir dir("ocirun-it-seccomp-noagent");
    const std::string sock = (dir.path() / "nobody.sock").string();
    const json::object profile{{"defaultAction", "SCMP_ACT_ALLOW"},
                               {"listenerPath", sock},
                               {"syscalls", json::array{json::object{{"names", json::array{"getppid"}},
                                                                     {"action", "SCMP_ACT_NOTIFY"}}}}};
    const std::string want = "failed to connect with seccomp agent specified in the seccomp profile: dial unix " +
                             sock + ": connect: no such file or directory";
    std::vector<it::Runner> runtimes;
    runtimes.push_back(it::Runner::ocirun());
    if (it::runc_available()) runtimes.push_back(it::Runner::runc());
    for (const it::Runner& rt : runtimes) {
        for (const std::string cmd : {"run", "create"}) {
            SCOPED_TRACE(rt.name() + " " + cmd);
            it::Bundle bundle;
            bundle.set_args({"sh", "-c", "echo never"});
            configure(bundle, profile, true);
            const auto id = it::unique_id("scp-noagent");
            const auto r = rt({cmd, "--bundle", bundle.path().string(), id});
            EXPECT_EQ(r.exit_code, 1) << r.describe();
            EXPECT_NE(r.err.find(want), std::string::npos) << r.describe();
            EXPECT_EQ(r.out, "") << r.describe();
            rt({"delete", "--force", id});
            expect_nothing_left_by_ocirun(rt, id, bundle);
        }
    }
}

// An error after the filter (without noNewPrivileges the lookup of process.args[0] follows it)
// must reach the caller: the old sendmsg of kError was refused by the profile and the caller
// only saw "container init exited before it was ready".
TEST(SeccompParity, ErrorAfterTheFilterReachesTheCaller) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    // As logged (logfmt quotes msg, so its quotes come escaped).
    const std::string want = R"(exec: \"/nope\": stat /nope: no such file or directory)";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    for (const std::string cmd : {"run", "create", "exec"}) {
        SCOPED_TRACE(cmd);
        std::vector<it::CommandResult> results;
        for (const it::Runner* rt : {&runc, &ocirun}) {
            if (cmd == "exec") {
                it::DetachedContainer c(*rt, "scp-exec-err", [&](it::Bundle& b) { configure(b, strict_profile(), false); });
                ASSERT_TRUE(c.started()) << rt->name() << ": " << c.describe();
                results.push_back(c.exec({}, {"/nope"}));
                continue;
            }
            it::Bundle bundle;
            bundle.set_args({"/nope"});
            configure(bundle, strict_profile(), false);
            const auto id = it::unique_id("scp-err");
            results.push_back((*rt)({cmd, "--bundle", bundle.path().string(), id}));
            (*rt)({"delete", "--force", id});
            expect_nothing_left_by_ocirun(*rt, id, bundle);
        }
        const auto& theirs = results[0];
        const auto& mine = results[1];
        EXPECT_NE(theirs.err.find(want), std::string::npos) << "runc: " << theirs.describe();
        EXPECT_NE(mine.err.find(want), std::string::npos) << "ocirun: " << mine.describe();
        EXPECT_EQ(mine.exit_code, theirs.exit_code) << "ocirun: " << mine.describe() << "\nrunc: " << theirs.describe();
    }
}
