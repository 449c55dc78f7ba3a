// exec's process plumbing beyond exec_test.cpp: --preserve-fds, --cgroup into a sub-cgroup,
// --ignore-paused, exit codes, stdio handed over unchanged (pipes, files, /dev/null), no zombie
// under a foreground exec/run, signals trapped inside, `ps` in both formats, and exec's error
// texts next to runc's.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using it::read_file;

const std::vector<std::string> kNothing;

using Sleeper = it::DetachedContainer;

using it::shell;

// The v1 hierarchy dir of `controller` for host pid `pid` ("" when not on v1).
fs::path v1_cgroup_dir(long pid, const std::string& controller) {
    std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/cgroup"));
    std::string line;
    while (std::getline(in, line)) {
        const auto a = line.find(':');
        const auto b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string list = line.substr(a + 1, b - a - 1);
        std::istringstream names(list);
        std::string name;
        while (std::getline(names, name, ','))
            if (name == controller) return fs::path("/sys/fs/cgroup") / list / line.substr(b + 2);
    }
    return {};
}

// Whether the /proc/PID/cgroup line containing `controller` (":pids:") ends with `suffix`.
bool line_ends_with(const std::string& cgroup_file, const std::string& controller, const std::string& suffix) {
    std::istringstream in(cgroup_file);
    std::string line;
    while (std::getline(in, line))
        if (line.find(controller) != std::string::npos)
            return line.size() >= suffix.size() && line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0;
    return false;
}

}  // namespace

TEST(ExecPlumbing, ExitCodes) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-codes");
    START_OR_FAIL(c);
    for (const auto& [script, code] : std::vector<std::pair<std::string, int>>{
             {"exit 0", 0}, {"exit 1", 1}, {"exit 42", 42}, {"kill -9 $$", 137}, {"kill -TERM $$", 143}}) {
        auto r = ocirun({"exec", c.id(), "sh", "-c", script});
        EXPECT_EQ(r.exit_code, code) << script << ": " << r.describe();
    }
}

TEST(ExecPlumbing, PreserveFds) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-fds");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-xp");
    const std::string in = (dir.path() / "in").string();
    std::ofstream(in) << "from-host-fd\n";
    // fd 3 a file, fd 4 a pipe: both reach the process as 3 and 4 with --preserve-fds 2.
    auto r = shell(ocirun, "echo piped | $OCIRUN exec --preserve-fds 2 " + c.id() +
                               " sh -c 'cat <&3; cat <&4; ls /proc/self/fd' 3<'" + in + "' 4<&0");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "from-host-fd\npiped\n0\n1\n2\n3\n4\n5\n") << r.describe();
    // Without the flag they are closed.
    r = shell(ocirun, "$OCIRUN exec " + c.id() + " sh -c 'ls /proc/self/fd' 3<'" + in + "'");
    EXPECT_EQ(r.out, "0\n1\n2\n3\n") << r.describe();
}

TEST(ExecPlumbing, CgroupFlagJoinsASubCgroup) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-cg");
    START_OR_FAIL(c);
    const fs::path pids_dir = v1_cgroup_dir(c.init_pid(), "pids");
    if (pids_dir.empty() || !fs::exists(pids_dir / "cgroup.procs"))
        GTEST_SKIP() << "the container has no v1 pids cgroup here";
    const fs::path sub = pids_dir / "sub";
    fs::create_directory(sub);
    struct RemoveSub {
        fs::path p;
        ~RemoveSub() { ::rmdir(p.c_str()); }
    } remove_sub{sub};

    // The controller form: pids in sub, every other controller in the container's own cgroup.
    auto r = ocirun({"exec", "--cgroup", "pids:sub", c.id(), "cat", "/proc/self/cgroup"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(line_ends_with(r.out, ":pids:", "/sub")) << r.describe();
    EXPECT_FALSE(line_ends_with(r.out, ":memory:", "/sub")) << r.describe();
    // A detached one stays there: its pid is in sub/cgroup.procs.
    it::TempDir dir("ocirun-it-xp");
    const fs::path pid_file = dir.path() / "pid";
    r = ocirun({"exec", "-d", "--pid-file", pid_file.string(), "--cgroup", "pids:sub", c.id(), "sleep", "100"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(read_file(sub / "cgroup.procs").find(read_file(pid_file)), std::string::npos);
    ::kill(std::stoi(read_file(pid_file)), SIGKILL);

    // A sub-cgroup that does not exist, and an unknown controller: exec fails, nothing runs.
    for (const std::string flag : {"nosub", "pids:nosub", "bogus:x"}) {
        r = ocirun({"exec", "--cgroup", flag, c.id(), "echo", "ran"});
        EXPECT_EQ(r.exit_code, 255) << flag << ": " << r.describe();
        EXPECT_EQ(r.out, "") << flag << ": " << r.describe();
        EXPECT_NE(r.err.find("exec failed: "), std::string::npos) << flag << ": " << r.describe();
    }
}

TEST(ExecPlumbing, IgnorePausedWaitsForResume) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-paused");
    START_OR_FAIL(c);
    auto p = ocirun({"pause", c.id()});
    if (p.exit_code != 0) GTEST_SKIP() << "pause does not work here: " << p.describe();
    auto r = ocirun({"exec", c.id(), "echo", "ran"});
    EXPECT_EQ(r.exit_code, 255) << r.describe();
    EXPECT_NE(r.err.find("exec failed: cannot exec in a paused container (use --ignore-paused to override)"),
              std::string::npos)
        << r.describe();
    // With the flag it is accepted; the process is frozen with the container until resume.
    it::TempDir dir("ocirun-it-xp");
    const std::string out = (dir.path() / "out").string();
    r = shell(ocirun, "$OCIRUN exec --ignore-paused " + c.id() + " echo ran >'" + out + "' 2>&1 & pid=$!; sleep 1; "
                      "kill -0 $pid && echo still-waiting; [ -s '" + out + "' ] || echo no-output-yet; $OCIRUN resume " + c.id() + "; wait $pid; echo rc=$?");
    EXPECT_EQ(r.out, "still-waiting\nno-output-yet\nrc=0\n") << r.describe() << read_file(out);
    EXPECT_EQ(read_file(out), "ran\n");
}

TEST(ExecPlumbing, StdioReachesTheProcessUnchanged) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-stdio");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-xp");
    const std::string in = (dir.path() / "in").string(), out = (dir.path() / "out").string(),
                      err = (dir.path() / "err").string();
    std::ofstream(in) << "file-input\n";
    const std::string probe = " sh -c 'cat; echo to-out; echo to-err >&2'";
    // Files.
    auto r = shell(ocirun, "$OCIRUN exec " + c.id() + probe + " <'" + in + "' >'" + out + "' 2>'" + err + "'");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(read_file(out), "file-input\nto-out\n");
    EXPECT_EQ(read_file(err), "to-err\n");
    // Pipes (run_command's stdout/stderr are pipes too).
    r = shell(ocirun, "printf 'piped-input\\n' | $OCIRUN exec " + c.id() + probe);
    EXPECT_EQ(r.out, "piped-input\nto-out\n") << r.describe();
    EXPECT_EQ(r.err, "to-err\n") << r.describe();
    // The very same pipe: the inode seen inside is the host's.
    r = shell(ocirun, "$OCIRUN exec " + c.id() + " readlink /proc/self/fd/1 | { read inside; "
                      "echo \"$inside $(readlink /proc/self/fd/0)\"; }");
    const auto space = r.out.find(' ');
    ASSERT_NE(space, std::string::npos) << r.describe();
    EXPECT_EQ(r.out.rfind("pipe:[", 0), 0u) << r.describe();
    EXPECT_EQ(r.out.substr(0, space) + "\n", r.out.substr(space + 1)) << r.describe();
    // /dev/null: a character device 1,3 inside too, and cat sees EOF at once.
    r = shell(ocirun, "$OCIRUN exec " + c.id() + " sh -c 'cat; stat -L -c %t,%T /proc/self/fd/0' </dev/null");
    EXPECT_EQ(r.out, "1,3\n") << r.describe();
}

TEST(ExecPlumbing, NoZombieUnderForegroundExecAndRun) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-zombie");
    START_OR_FAIL(c);
    // While a foreground exec runs, list the children of that ocirun and their states.
    // (Polls until the only child is the container's process, exec'd into sleep, then prints
    // "child alive|Z COMM". exec's short-lived helper may still be seen exiting (its teardown
    // can outlast the grandchild's execve, notably under ASan) or between its exit and its
    // reaping; a helper or zombie that stays keeps the loop going until it gives up and prints it.)
    const std::string list_children =
        "i=0; while :; do L=$(for t in /proc/$pid/task/*; do for k in $(cat $t/children); do "
        "st=$(cut -d' ' -f3 /proc/$k/stat 2>/dev/null) || continue; [ \"$st\" = Z ] || st=alive; "
        "echo \"child $st $(cat /proc/$k/comm 2>/dev/null)\"; done; done); "
        "[ \"$L\" = 'child alive sleep' ] && break; i=$((i+1)); [ $i -gt 150 ] && break; sleep 0.1; done; echo \"$L\"";
    auto r = shell(ocirun, "$OCIRUN exec " + c.id() + " sleep 3 & pid=$!; " + list_children +
                               "; wait $pid; echo rc=$?");
    EXPECT_EQ(r.out, "child alive sleep\nrc=0\n") << r.describe();

    it::Bundle bundle;
    bundle.set_args({"sleep", "3"});
    const auto id = it::unique_id("xp-zombie-run");
    r = shell(ocirun, "$OCIRUN run --bundle '" + bundle.path().string() + "' " + id + " & pid=$!; " +
                          list_children + "; wait $pid; echo rc=$?");
    EXPECT_EQ(r.out, "child alive sleep\nrc=0\n") << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ExecPlumbing, SignalsReachTrapsInside) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-sig");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-xp");
    const std::string out = (dir.path() / "out").string();
    const std::string body =
        " sh -c 'trap \"echo got-usr1\" USR1; trap \"echo got-term; exit 9\" TERM; echo ready; "
        "while true; do sleep 0.1; done' >'" + out + "' & pid=$!; "
        "until grep -q ready '" + out + "'; do sleep 0.1; done; kill -USR1 $pid; "
        "until grep -q got-usr1 '" + out + "'; do sleep 0.1; done; kill -TERM $pid; wait $pid; echo rc=$?";
    auto r = shell(ocirun, "$OCIRUN exec " + c.id() + body);
    EXPECT_EQ(r.out, "rc=9\n") << r.describe();
    EXPECT_EQ(read_file(out), "ready\ngot-usr1\ngot-term\n");

    // The same for a foreground run.
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", "trap 'echo got-usr1' USR1; trap 'echo got-term; exit 9' TERM; echo ready; "
                                 "while true; do sleep 0.1; done"});
    const auto id = it::unique_id("xp-sig-run");
    r = shell(ocirun, "$OCIRUN run --bundle '" + bundle.path().string() + "' " + id + " >'" + out + "' & pid=$!; " +
                          "until grep -q ready '" + out + "'; do sleep 0.1; done; kill -USR1 $pid; "
                          "until grep -q got-usr1 '" + out + "'; do sleep 0.1; done; kill -TERM $pid; wait $pid; "
                          "echo rc=$?");
    EXPECT_EQ(r.out, "rc=9\n") << r.describe();
    EXPECT_EQ(read_file(out), "ready\ngot-usr1\ngot-term\n");
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ExecPlumbing, PsTableAndJson) {
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "xp-ps");
    START_OR_FAIL(c);
    it::TempDir dir("ocirun-it-xp");
    const fs::path pid_file = dir.path() / "pid";
    auto r = ocirun({"exec", "-d", "--pid-file", pid_file.string(), c.id(), "sleep", "999"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const long exec_pid = std::stol(read_file(pid_file));

    r = ocirun({"ps", "--format", "json", c.id()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const json::value pids = json::parse(r.out);
    ASSERT_TRUE(pids.is_array()) << r.out;
    std::vector<long> got;
    for (const auto& p : pids.as_array()) got.push_back(static_cast<long>(p.as_int64()));
    std::sort(got.begin(), got.end());
    std::vector<long> want{c.init_pid(), exec_pid};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << r.out;

    r = ocirun({"ps", c.id()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out.rfind("UID", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("sleep 1000"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sleep 999"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::to_string(exec_pid)), std::string::npos) << r.out;
    // ps arguments pass through to ps(1).
    r = ocirun({"ps", c.id(), "-o", "pid,comm"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out.find("PID"), r.out.find_first_not_of(' ')) << r.out;
    EXPECT_NE(r.out.find("sleep"), std::string::npos) << r.out;
}

TEST(ExecPlumbing, ErrorTextsLikeRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    Sleeper ours(ocirun, "xp-diff");
    Sleeper theirs(runc, "xp-diff");
    START_OR_FAIL(ours);
    START_OR_FAIL(theirs);
    struct Case {
        std::vector<std::string> flags;
        std::string text;  // in both stderrs
    };
    const std::vector<Case> cases{
        {{"-u", "abc"}, "exec failed: parsing abc as int for uid failed: strconv.Atoi: parsing"},  // quotes are escaped in the log line
        {{"-u", "0:x"}, "exec failed: parsing x as int for gid failed"},
        {{"--cwd", "relative"}, "exec failed: Cwd must be an absolute path"},
        {{"-t", "-d"}, "exec failed: cannot allocate tty if runc will detach without setting console socket"},
        {{"--console-socket", "/x.sock"}, "exec failed: cannot use console socket if runc will not detach or allocate tty"},
        {{"--cgroup", "pids:nosub"}, "nosub"},
        {{"--cgroup", "bogus:x"}, "bogus"},
    };
    for (const auto& k : cases) {
        auto run = [&](const it::Runner& rt, const std::string& id) {
            std::vector<std::string> args{"exec"};
            args.insert(args.end(), k.flags.begin(), k.flags.end());
            args.insert(args.end(), {id, "true"});
            return rt(args);
        };
        auto a = run(ocirun, ours.id());
        auto b = run(runc, theirs.id());
        EXPECT_EQ(a.exit_code, b.exit_code) << a.describe() << " vs runc " << b.describe();
        EXPECT_NE(a.err.find(k.text), std::string::npos) << a.describe();
        EXPECT_NE(b.err.find(k.text), std::string::npos) << "runc: " << b.describe();
    }
    // An unknown container.
    auto a = ocirun({"exec", "no-such-container", "true"});
    auto b = runc({"exec", "no-such-container", "true"});
    EXPECT_EQ(a.exit_code, b.exit_code) << a.describe() << " vs runc " << b.describe();
    EXPECT_NE(a.err.find("does not exist"), std::string::npos) << a.describe();
}
