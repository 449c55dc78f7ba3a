// ocirun exec into a running container: output and exit codes, the container's namespaces and
// cgroup, the flags that change the process (env, cwd, user, groups, caps, no_new_privs),
// --process, --detach/--pid-file, refusals with runc's texts, fd hygiene, signal forwarding,
// -t with --console-socket, and the same cases against runc.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"
#include "harness_console.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

std::string read_text(const std::string& path) { return it::read_file(path); }

// A detached `sleep 1000` container with a hostname, an env var and a file only its rootfs has,
// root writable. Deleted (and checked for leftovers) at the end of the test.
class RunningContainer : public it::DetachedContainer {
public:
    explicit RunningContainer(const it::Runner& rt, const std::string& prefix,
                              void (*tweak)(it::Bundle&) = nullptr)
        : it::DetachedContainer(rt, prefix, [tweak](it::Bundle& b) {
              b.set_hostname("exec-host");
              b.set_env({"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FROM_CONFIG=yes"});
              std::ofstream(b.rootfs() / "only-in-rootfs") << "inside\n";
              if (tweak) tweak(b);
          }) {}
};

// The hex value of a /proc/PID/status line ("CapEff:\t00000000a80425fb").
unsigned long long status_hex(const std::string& status_text, const std::string& key) {
    auto pos = status_text.find(key + ":");
    if (pos == std::string::npos) return ~0ULL;
    return std::stoull(status_text.substr(pos + key.size() + 1), nullptr, 16);
}

constexpr int kCapSysAdmin = 21;
constexpr int kCapKill = 5;

}  // namespace

TEST(Exec, OutputAndExitCodes) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-codes");
    START_OR_FAIL(c);
    struct Case {
        std::string script, out;
        int code;
    };
    for (const Case& k : std::vector<Case>{{"echo hello", "hello\n", 0},
                                           {"echo one; exit 1", "one\n", 1},
                                           {"echo err >&2; exit 42", "", 42}}) {
        auto r = c.exec({}, {"sh", "-c", k.script});
        EXPECT_EQ(r.exit_code, k.code) << k.script << ": " << r.describe();
        EXPECT_EQ(r.out, k.out) << k.script << ": " << r.describe();
    }
    // A missing program fails before anything runs, with Go's LookPath text like runc.
    auto r = c.exec({}, {"no-such-program"});
    EXPECT_EQ(r.exit_code, 255) << r.describe();
    EXPECT_NE(r.err.find("executable file not found in $PATH"), std::string::npos) << r.describe();
    // The container is untouched by all that.
    EXPECT_EQ(ocirun.state(c.id()).at("status").as_string(), "running");
}

TEST(Exec, SeesTheContainersNamespaces) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-ns");
    START_OR_FAIL(c);

    auto r = c.exec({}, {"hostname"});
    EXPECT_EQ(r.out, "exec-host\n") << r.describe();

    r = c.exec({}, {"cat", "/only-in-rootfs"});
    EXPECT_EQ(r.out, "inside\n") << r.describe();

    // Its own pid is small (the container's pid ns), and pid 1 there is the container's init.
    r = c.exec({}, {"sh", "-c", "echo $$; cat /proc/1/cmdline | tr '\\0' ' '"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::istringstream lines(r.out);
    long own_pid = 0;
    std::string init_cmdline;
    lines >> own_pid;
    std::getline(lines >> std::ws, init_cmdline);
    EXPECT_GT(own_pid, 1);
    EXPECT_LT(own_pid, 100) << "not in the container's pid namespace: " << r.out;
    EXPECT_EQ(init_cmdline, "sleep 1000 ") << r.out;

    r = c.exec({}, {"ps"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    bool init_is_1 = false;
    std::istringstream ps(r.out);
    for (std::string line; std::getline(ps, line);) {
        std::istringstream fields(line);
        std::string pid;
        fields >> pid;
        if (pid == "1" && line.find("sleep 1000") != std::string::npos) init_is_1 = true;
    }
    EXPECT_TRUE(init_is_1) << r.out;

    // Same namespaces as the init, by inode.
    const long init = c.init_pid();
    for (const char* ns : {"uts", "ipc", "pid", "mnt", "net"}) {
        r = c.exec({}, {"readlink", std::string("/proc/self/ns/") + ns});
        char host_link[256] = {};
        const std::string init_ns = "/proc/" + std::to_string(init) + "/ns/" + ns;
        ssize_t n = ::readlink(init_ns.c_str(), host_link, sizeof host_link - 1);
        ASSERT_GT(n, 0) << init_ns;
        EXPECT_EQ(r.out, std::string(host_link) + "\n") << ns << ": " << r.describe();
    }
}

TEST(Exec, EnvCwdUserGroups) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-proc");
    START_OR_FAIL(c);

    auto r = c.exec({"-e", "EXTRA=1", "--env", "SECOND=two"}, {"env"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    for (const char* want : {"FROM_CONFIG=yes\n", "EXTRA=1\n", "SECOND=two\n", "PATH=/usr/sbin:"})
        EXPECT_NE(r.out.find(want), std::string::npos) << want << " missing: " << r.out;

    r = c.exec({"--cwd", "/etc"}, {"pwd"});
    EXPECT_EQ(r.out, "/etc\n") << r.describe();
    r = c.exec({}, {"pwd"});
    EXPECT_EQ(r.out, "/\n") << r.describe();

    r = c.exec({"--user", "1000:1000"}, {"id"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out.rfind("uid=1000 gid=1000", 0), 0u) << r.describe();

    r = c.exec({"-u", "1000:1000", "-g", "2000", "--additional-gids", "3000"}, {"id", "-G"});
    EXPECT_EQ(r.out, "1000 2000 3000\n") << r.describe();  // busybox: gid, then the groups

    r = c.exec({"-u", "abc"}, {"true"});
    EXPECT_EQ(r.exit_code, 255) << r.describe();
    EXPECT_NE(r.err.find("parsing abc as int for uid failed"), std::string::npos) << r.describe();
}

TEST(Exec, CapabilitiesAndNoNewPrivileges) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-caps", [](it::Bundle& b) {
        b.config().at("process").as_object()["noNewPrivileges"] = false;
        b.save();
    });
    START_OR_FAIL(c);

    auto r = c.exec({}, {"cat", "/proc/self/status"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto plain = status_hex(r.out, "CapEff");
    EXPECT_TRUE(plain & (1ULL << kCapKill)) << "the container's caps (CAP_KILL) are the default";
    EXPECT_FALSE(plain & (1ULL << kCapSysAdmin));
    EXPECT_EQ(status_hex(r.out, "NoNewPrivs"), 0u);

    r = c.exec({"--cap", "CAP_SYS_ADMIN", "--no-new-privs"}, {"cat", "/proc/self/status"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(status_hex(r.out, "CapEff") & (1ULL << kCapSysAdmin)) << r.out;
    EXPECT_TRUE(status_hex(r.out, "CapBnd") & (1ULL << kCapSysAdmin)) << r.out;
    EXPECT_EQ(status_hex(r.out, "NoNewPrivs"), 1u) << r.out;
}

TEST(Exec, ProcessFile) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-pfile");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-exec");
    const std::string file = (dir.path() / "process.json").string();
    std::ofstream(file) << R"({"args": ["sh", "-c", "echo from-file $ONLY_HERE; id -u; pwd; exit 3"],
        "cwd": "/tmp", "user": {"uid": 7, "gid": 7}, "env": ["PATH=/bin", "ONLY_HERE=x"]})";
    auto r = ocirun({"exec", "--process", file, c.id()});
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_EQ(r.out, "from-file x\n7\n/tmp\n") << r.describe();

    std::ofstream(file, std::ios::trunc) << R"({"args": ["true"], "cwd": "relative"})";
    r = ocirun({"exec", "--process", file, c.id()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("Cwd must be an absolute path"), std::string::npos) << r.describe();
}

// A container with its own user namespace and a seccomp filter: exec joins the user ns first
// (its uid map is the container's) and gets the container's filter (mkdir denied).
TEST(Exec, JoinsUserNamespaceAndGetsTheSeccompFilter) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-userns", [](it::Bundle& b) {
        auto& lx = b.config().at("linux").as_object();
        lx["namespaces"].as_array().push_back(json::object{{"type", "user"}});
        const json::array map{json::object{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
        lx["uidMappings"] = map;
        lx["gidMappings"] = map;
        lx["seccomp"] = json::object{
            {"defaultAction", "SCMP_ACT_ALLOW"},
            {"syscalls", json::array{json::object{{"names", json::array{"mkdir", "mkdirat"}},
                                                  {"action", "SCMP_ACT_ERRNO"}}}}};
        b.save();
        // The mapped root (host uid 200000) must be able to reach the rootfs.
        std::filesystem::permissions(b.path(), std::filesystem::perms(0755));
    });
    START_OR_FAIL(c);
    auto r = c.exec({}, {"sh", "-c", "id -u; tr -s ' ' < /proc/self/uid_map; mkdir /tmp/x 2>/dev/null; echo mkdir=$?"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\n 0 200000 65536\nmkdir=1\n") << r.describe();
    r = c.exec({"-u", "1000:1000"}, {"id", "-u"});
    EXPECT_EQ(r.out, "1000\n") << r.describe();
}

TEST(Exec, DetachWritesPidFileAndJoinsTheCgroup) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-detach");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-exec");
    const std::string pid_file = (dir.path() / "exec.pid").string();
    const auto started = std::chrono::steady_clock::now();
    auto r = c.exec({"--detach", "--pid-file", pid_file}, {"sleep", "300"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "--detach waited for the process";

    const std::string text = read_text(pid_file);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), std::string::npos) << "pid file has a newline: " << text;
    const long pid = std::stol(text);
    const std::string proc = "/proc/" + std::to_string(pid);
    EXPECT_EQ(read_text(proc + "/cmdline"), std::string("sleep\0" "300\0", 10));
    const std::string init_cgroup = read_text("/proc/" + std::to_string(c.init_pid()) + "/cgroup");
    EXPECT_EQ(read_text(proc + "/cgroup"), init_cgroup);
    EXPECT_NE(init_cgroup.find(c.id()), std::string::npos) << init_cgroup;
    // ps lists it (it is in the container's cgroup).
    auto ps = ocirun({"ps", "--format", "json", c.id()});
    EXPECT_NE(ps.out.find(std::to_string(pid)), std::string::npos) << ps.describe();
    ::kill(static_cast<pid_t>(pid), SIGKILL);
}

TEST(Exec, RefusesStoppedAndPausedContainers) {
    it::Runner ocirun = it::Runner::ocirun();
    {
        RunningContainer c(ocirun, "exec-stopped", [](it::Bundle& b) { b.set_args({"true"}); });
        START_OR_FAIL(c);
        ASSERT_TRUE(it::eventually([&] { return ocirun.state(c.id()).at("status").as_string() == "stopped"; }));
        auto r = c.exec({}, {"true"});
        EXPECT_EQ(r.exit_code, 255) << r.describe();  // runc's status for "exec failed"
        EXPECT_NE(r.err.find("exec failed: cannot exec in a stopped container"), std::string::npos) << r.describe();
    }
    RunningContainer c(ocirun, "exec-paused");
    START_OR_FAIL(c);
    auto p = ocirun({"pause", c.id()});
    if (p.exit_code != 0) GTEST_SKIP() << "ocirun pause does not work here: " << p.describe();
    auto r = c.exec({}, {"true"});
    EXPECT_EQ(r.exit_code, 255) << r.describe();
    EXPECT_NE(r.err.find("cannot exec in a paused container (use --ignore-paused to override)"),
              std::string::npos)
        << r.describe();
    EXPECT_EQ(ocirun({"resume", c.id()}).exit_code, 0);
    EXPECT_EQ(c.exec({}, {"true"}).exit_code, 0);
}

TEST(Exec, NoHostFdsLeak) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-fds");
    START_OR_FAIL(c);
    // 0..2, and the directory ls itself opens.
    auto r = c.exec({}, {"ls", "/proc/self/fd"});
    EXPECT_EQ(r.out, "0\n1\n2\n3\n") << r.describe();
    r = c.exec({"--detach"}, {"sh", "-c", "ls /proc/self/fd > /tmp/fds"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::string fds;
    EXPECT_TRUE(it::eventually([&] {
        fds = read_text((c.bundle().rootfs() / "tmp" / "fds").string());
        return !fds.empty();
    }));
    EXPECT_EQ(fds, "0\n1\n2\n3\n");
}

TEST(Exec, TtyFlagChecksLikeRunc) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-ttyflags");
    START_OR_FAIL(c);
    auto r = c.exec({"-t", "-d"}, {"true"});
    EXPECT_EQ(r.exit_code, 255) << r.describe();
    EXPECT_NE(r.err.find("cannot allocate tty if runc will detach without setting console socket"),
              std::string::npos)
        << r.describe();
    r = c.exec({"--console-socket", "/nonexistent.sock"}, {"true"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("cannot use console socket if runc will not detach or allocate tty"),
              std::string::npos)
        << r.describe();
}

TEST(Exec, SameAsRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    RunningContainer ours(ocirun, "exec-diff");
    RunningContainer theirs(runc, "exec-diff");
    START_OR_FAIL(ours);
    START_OR_FAIL(theirs);
    const std::vector<std::string> flags{"-e", "X=1", "--cwd", "/etc", "-u", "1000:1000"};
    const std::vector<std::string> cmd{"sh", "-c", "echo $X $FROM_CONFIG; pwd; id; hostname; exit 5"};
    auto a = ours.exec(flags, cmd);
    auto b = theirs.exec(flags, cmd);
    EXPECT_EQ(a.exit_code, b.exit_code) << a.describe() << " vs runc " << b.describe();
    EXPECT_EQ(a.out, b.out) << a.describe() << " vs runc " << b.describe();

    ocirun({"kill", ours.id(), "KILL"});
    runc({"kill", theirs.id(), "KILL"});
    ASSERT_TRUE(it::eventually([&] { return ocirun.state(ours.id()).at("status").as_string() == "stopped"; }));
    ASSERT_TRUE(it::eventually([&] { return runc.state(theirs.id()).at("status").as_string() == "stopped"; }));
    a = ours.exec({}, {"true"});
    b = theirs.exec({}, {"true"});
    EXPECT_EQ(a.exit_code, b.exit_code) << a.describe() << " vs runc " << b.describe();
    EXPECT_NE(a.err.find("cannot exec in a stopped container"), std::string::npos) << a.describe();
    EXPECT_NE(b.err.find("cannot exec in a stopped container"), std::string::npos) << b.describe();
}

TEST(Exec, ForegroundForwardsSignals) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-sig");
    START_OR_FAIL(c);
    // ocirun exec in the background of a host shell, which then sends it SIGTERM.
    const std::string script =
        "'" + ocirun.binary().string() + "' --root '" + ocirun.root().string() + "' exec " + c.id() +
        " sh -c 'trap \"echo got-term; exit 7\" TERM; echo ready; while true; do sleep 0.1; done' &"
        " pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo rc=$?";
    it::CommandOptions opts;
    opts.env = ocirun.env();
    auto r = it::run_command({"/bin/sh", "-c", script}, opts);
    EXPECT_EQ(r.out, "ready\ngot-term\nrc=7\n") << r.describe();
}

TEST(Exec, TtyWithConsoleSocket) {
    it::Runner ocirun = it::Runner::ocirun();
    RunningContainer c(ocirun, "exec-tty");
    START_OR_FAIL(c);
    it::ConsoleSocket console;
    auto r = c.exec({"-t", "-d", "--console-socket", console.path()},
                    {"sh", "-c", "tty; test -t 0 && echo stdin-is-tty; echo done; sleep 1"});
    std::string name;
    const int master = r.exit_code == 0 ? console.receive_master(&name) : -1;
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_GE(master, 0) << "no fd received over --console-socket";
    EXPECT_EQ(name.rfind("/dev/pts/", 0), 0u) << name;
    const std::string out = it::read_until(master, "done");
    ::close(master);
    EXPECT_NE(out.find("/dev/pts/"), std::string::npos) << out;
    EXPECT_NE(out.find("stdin-is-tty"), std::string::npos) << out;
}
