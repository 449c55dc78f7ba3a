// linux.seccomp in real containers through the `ocirun` binary: denials seen by the container
// process, the filter's presence in /proc/self/status, no forced no_new_privs, JSON-path errors
// at create, and SCMP_ACT_NOTIFY answered by a seccomp agent at listenerPath.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

json::object rule(const std::vector<std::string>& names, const std::string& action, int errno_ret = -1) {
    json::object r;
    json::array a;
    for (const auto& n : names) a.emplace_back(n);
    r["names"] = a;
    r["action"] = action;
    if (errno_ret >= 0) r["errnoRet"] = errno_ret;
    return r;
}

void set_seccomp(it::Bundle& bundle, json::object seccomp) {
    bundle.config().at("linux").as_object()["seccomp"] = std::move(seccomp);
    bundle.save();
}

json::object deny_mkdir_profile() {
    json::object s;
    s["defaultAction"] = "SCMP_ACT_ALLOW";
    s["syscalls"] = json::array{rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")};
    return s;
}

it::CommandResult run_script(it::Runner& runner, it::Bundle& bundle, const std::string& script,
                             const std::string& prefix) {
    bundle.set_args({"sh", "-c", script});
    const auto id = it::unique_id(prefix);
    auto r = runner({"run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(it::leftovers(runner, id, bundle), kNothing) << script;
    return r;
}

std::string status_field(const std::string& status, const std::string& name) {
    auto pos = status.find(name + ":\t");
    if (pos == std::string::npos) return "<missing " + name + ">";
    pos += name.size() + 2;
    return status.substr(pos, status.find('\n', pos) - pos);
}

}  // namespace

TEST(Seccomp, DeniedSyscallFailsWithEperm) {
    it::Bundle bundle;
    set_seccomp(bundle, deny_mkdir_profile());
    it::Runner ocirun = it::Runner::ocirun();
    const auto r = run_script(ocirun, bundle, "mkdir /tmp/ocirun-seccomp; echo rc=$?; cat /proc/self/status",
                              "seccomp-deny");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("rc=1"), std::string::npos) << r.describe();
    EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.describe();
    EXPECT_EQ(status_field(r.out, "Seccomp"), "2") << r.describe();
    EXPECT_EQ(status_field(r.out, "Seccomp_filters"), "1") << r.describe();
}

TEST(Seccomp, CustomErrnoAndDefaultErrnoRet) {
    it::Bundle bundle;
    json::object s;
    s["defaultAction"] = "SCMP_ACT_ALLOW";
    s["syscalls"] = json::array{rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", 28 /* ENOSPC */)};
    set_seccomp(bundle, s);
    it::Runner ocirun = it::Runner::ocirun();
    const auto r = run_script(ocirun, bundle, "mkdir /tmp/ocirun-seccomp", "seccomp-errno");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.describe();
}

TEST(Seccomp, WithoutNoNewPrivilegesTheFilterDoesNotForceIt) {
    it::Bundle bundle;
    bundle.config().at("process").as_object()["noNewPrivileges"] = false;
    set_seccomp(bundle, deny_mkdir_profile());
    it::Runner ocirun = it::Runner::ocirun();
    const auto r = run_script(ocirun, bundle, "mkdir /tmp/x 2>/dev/null; echo rc=$?; cat /proc/self/status",
                              "seccomp-nnp");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("rc=1"), std::string::npos) << r.describe();
    EXPECT_EQ(status_field(r.out, "NoNewPrivs"), "0") << r.describe();
    EXPECT_EQ(status_field(r.out, "Seccomp"), "2") << r.describe();
}

TEST(Seccomp, EmptySeccompObjectLoadsNoFilter) {
    it::Bundle bundle;
    set_seccomp(bundle, json::object{});
    it::Runner ocirun = it::Runner::ocirun();
    const auto r = run_script(ocirun, bundle, "cat /proc/self/status", "seccomp-empty");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_field(r.out, "Seccomp"), "0") << r.describe();
}

TEST(Seccomp, InvalidActionIsRefusedAtCreateWithItsPath) {
    it::Bundle bundle;
    json::object s = deny_mkdir_profile();
    s["syscalls"].as_array().push_back(rule({"getpid"}, "SCMP_ACT_FOO"));
    set_seccomp(bundle, s);
    it::Runner ocirun = it::Runner::ocirun();
    const auto id = it::unique_id("seccomp-bad");
    const auto r = ocirun({"create", "--bundle", bundle.path().string(), id});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("linux.seccomp.syscalls[1].action: unknown action"), std::string::npos)
        << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    if (it::runc_available()) {  // the oracle refuses it too
        it::Runner runc = it::Runner::runc();
        const auto rr = runc({"create", "--bundle", bundle.path().string(), it::unique_id("seccomp-bad-runc")});
        EXPECT_NE(rr.exit_code, 0) << rr.describe();
    }
}

TEST(Seccomp, NotifyIsAnsweredByTheAgentAtListenerPath) {
    const std::string agent = std::string(OCIRUN_TEST_BUILD_DIR) + "/bin/ocirun-test-seccomp-agent";
    if (::access(agent.c_str(), X_OK) != 0) GTEST_SKIP() << "test agent not built: " << agent;
    it::TempDir dir("ocirun-it-seccomp-agent");
    const std::string sock = (dir.path() / "agent.sock").string();

    int out[2];
    ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::execl(agent.c_str(), agent.c_str(), sock.c_str(), "4343", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    struct Reaper {
        pid_t pid;
        int fd;
        bool reaped = false;
        void reap() {
            if (reaped) return;
            if (!it::eventually([&] { return ::waitpid(pid, nullptr, WNOHANG) == pid; }, 10s)) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
            reaped = true;
        }
        ~Reaper() {
            if (!reaped) ::kill(pid, SIGKILL);
            reap();
            ::close(fd);
        }
    } reaper{pid, out[0]};
    ASSERT_TRUE(it::eventually([&] { return ::access(sock.c_str(), F_OK) == 0; }));

    // busybox sh reads its parent's pid with getppid() once at startup: the agent answers 4343.
    it::Bundle bundle;
    json::object s;
    s["defaultAction"] = "SCMP_ACT_ALLOW";
    s["listenerPath"] = sock;
    s["listenerMetadata"] = "it-metadata";
    s["syscalls"] = json::array{rule({"getppid"}, "SCMP_ACT_NOTIFY")};
    set_seccomp(bundle, s);
    it::Runner ocirun = it::Runner::ocirun();
    const auto r = run_script(ocirun, bundle, "echo ppid=$PPID", "seccomp-notify");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("ppid=4343"), std::string::npos) << r.describe();

    reaper.reap();  // the agent exits after answering once; its stdout then reads to EOF
    std::string agent_out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) agent_out.append(buf, static_cast<std::size_t>(n));
    EXPECT_NE(agent_out.find("\"metadata\":\"it-metadata\""), std::string::npos) << agent_out;
    EXPECT_NE(agent_out.find("\"status\":\"creating\""), std::string::npos) << agent_out;
}
