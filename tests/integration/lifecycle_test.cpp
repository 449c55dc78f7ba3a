// The container lifecycle through the `ocirun` binary: run, create/start/kill/delete, state and
// list against runc, the error texts clients match on, and that failures leave nothing behind.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <thread>

#include "harness.hpp"

namespace it = ocirun::it;
using namespace std::chrono_literals;

namespace {

std::set<std::string> keys(const boost::json::object& o) {
    std::set<std::string> k;
    for (const auto& kv : o) k.insert(std::string(kv.key()));
    return k;
}

std::string status_of(const it::Runner& rt, const std::string& id) {
    return std::string(rt.state(id).at("status").as_string());
}

const std::vector<std::string> kNothing;

}  // namespace

TEST(Lifecycle, RunPrintsOutputAndPassesExitCodes) {
    struct Case {
        std::string script;
        std::string out;
        int code;
        bool host_pid_ns = false;
    };
    const std::vector<Case> cases = {
        {"echo hello; exit 0", "hello\n", 0},
        {"echo one; exit 1", "one\n", 1},
        {"exit 42", "", 42},
        // As pid 1 of its own pid namespace sh would ignore its own SIGKILL (runc exits 0 there
        // too): share the host's pid namespace so the signal kills it and run reports 128+9.
        {"kill -9 $$", "", 137, true},
    };
    it::Runner ocirun = it::Runner::ocirun();
    for (const auto& c : cases) {
        it::Bundle bundle;
        bundle.set_args({"sh", "-c", c.script});
        if (c.host_pid_ns) bundle.remove_namespace("pid");
        const auto id = it::unique_id("lc-run");
        auto r = ocirun({"run", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, c.code) << c.script << ": " << r.describe();
        EXPECT_EQ(r.out, c.out) << c.script << ": " << r.describe();
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << c.script;
    }
}

TEST(Lifecycle, CreateDoesNotRunProcessUntilStart) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    it::TempDir shared("ocirun-it-shared");
    bundle.add_bind_mount(shared.path(), "/shared");
    bundle.set_args({"sh", "-c", "touch /shared/ran; sleep 100"});
    const auto id = it::unique_id("lc-cycle");

    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    auto st = ocirun.state(id);
    EXPECT_EQ(st.at("status").as_string(), "created");
    EXPECT_GT(st.at("pid").as_int64(), 0);
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(std::filesystem::exists(shared.path() / "ran")) << "process.args ran before start";

    r = ocirun({"start", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(it::eventually([&] { return std::filesystem::exists(shared.path() / "ran"); }))
        << "process.args did not run after start";
    EXPECT_EQ(status_of(ocirun, id), "running");

    r = ocirun({"kill", id, "KILL"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(it::eventually([&] { return status_of(ocirun, id) == "stopped"; }));
    EXPECT_EQ(ocirun.state(id).at("pid").as_int64(), 0);

    r = ocirun({"delete", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = ocirun({"state", id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, RunDetachLeavesItRunning) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("lc-detach");
    auto r = ocirun({"run", "--detach", "--bundle", bundle.path(), id}, {.timeout = 15s});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(ocirun, id), "running");
    r = ocirun({"delete", "--force", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, PidFileHoldsBareDecimalPid) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("lc-pidfile");
    // Relative to the caller's cwd, as containerd and podman pass it.
    auto r = ocirun({"create", "--bundle", bundle.path(), "--pid-file", "init.pid", id}, {.cwd = bundle.path()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::ifstream in(bundle.path() / "init.pid");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, std::to_string(ocirun.state(id).at("pid").as_int64()));
    EXPECT_EQ(ocirun({"delete", "--force", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, StateAndListMatchRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    it::Runner ocirun = it::Runner::ocirun();
    it::Runner runc = it::Runner::runc();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("lc-vs-runc");
    for (const it::Runner* rt : {&ocirun, &runc}) {
        auto r = (*rt)({"create", "--bundle", bundle.path(), id});
        ASSERT_EQ(r.exit_code, 0) << rt->name() << ": " << r.describe();
    }
    auto ours = ocirun.state(id), theirs = runc.state(id);
    EXPECT_EQ(keys(ours), keys(theirs));
    EXPECT_EQ(ours.at("status"), theirs.at("status"));
    EXPECT_EQ(ours.at("bundle"), theirs.at("bundle"));
    EXPECT_EQ(ours.at("rootfs"), theirs.at("rootfs"));
    EXPECT_EQ(ours.at("id"), theirs.at("id"));

    auto list_ours = ocirun({"list", "--format", "json"}), list_theirs = runc({"list", "--format", "json"});
    ASSERT_EQ(list_ours.exit_code, 0) << list_ours.describe();
    auto lo = boost::json::parse(list_ours.out).as_array(), lt = boost::json::parse(list_theirs.out).as_array();
    ASSERT_EQ(lo.size(), 1u) << list_ours.out;
    ASSERT_EQ(lt.size(), 1u) << list_theirs.out;
    EXPECT_EQ(keys(lo[0].as_object()), keys(lt[0].as_object()));
    EXPECT_EQ(lo[0].at("status"), lt[0].at("status"));

    for (const it::Runner* rt : {&ocirun, &runc}) ASSERT_EQ((*rt)({"start", id}).exit_code, 0) << rt->name();
    EXPECT_EQ(status_of(ocirun, id), "running");
    EXPECT_EQ(status_of(runc, id), "running");
    for (const it::Runner* rt : {&ocirun, &runc}) EXPECT_EQ((*rt)({"delete", "--force", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, DuplicateIdFailsAndKeepsTheFirst) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("lc-dup");
    ASSERT_EQ(ocirun({"create", "--bundle", bundle.path(), id}).exit_code, 0);
    const auto pid = ocirun.state(id).at("pid").as_int64();
    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("container with given ID already exists"), std::string::npos) << r.describe();
    auto st = ocirun.state(id);
    EXPECT_EQ(st.at("status").as_string(), "created");
    EXPECT_EQ(st.at("pid").as_int64(), pid);
    EXPECT_EQ(ocirun({"delete", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, StartOnRunningFailsAndDeleteNeedsForce) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("lc-running");
    ASSERT_EQ(ocirun({"run", "--detach", "--bundle", bundle.path(), id}).exit_code, 0);

    auto r = ocirun({"start", id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("cannot start an already running container"), std::string::npos) << r.describe();

    r = ocirun({"delete", id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("cannot delete container " + id + " that is not stopped: running"), std::string::npos)
        << r.describe();
    EXPECT_EQ(status_of(ocirun, id), "running");

    r = ocirun({"delete", "--force", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(Lifecycle, KillBySignalNameAndNumber) {
    it::Runner ocirun = it::Runner::ocirun();
    // sh as pid 1 ignores signals it has no handler for: trap TERM so "TERM" can stop it.
    const std::string script = "trap 'exit 3' TERM; while true; do sleep 0.1; done";
    for (const std::string sig : {"TERM", "SIGTERM", "15", "KILL", "9"}) {
        it::Bundle bundle;
        bundle.set_args({"sh", "-c", script});
        const auto id = it::unique_id("lc-kill");
        ASSERT_EQ(ocirun({"run", "--detach", "--bundle", bundle.path(), id}).exit_code, 0);
        auto r = ocirun({"kill", id, sig});
        EXPECT_EQ(r.exit_code, 0) << sig << ": " << r.describe();
        EXPECT_TRUE(it::eventually([&] { return status_of(ocirun, id) == "stopped"; })) << sig;
        r = ocirun({"kill", id, sig});
        EXPECT_NE(r.exit_code, 0) << sig;
        EXPECT_NE(r.err.find("container not running"), std::string::npos) << sig << ": " << r.describe();
        EXPECT_EQ(ocirun({"delete", id}).exit_code, 0) << sig;
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << sig;
    }
}

TEST(Lifecycle, FailedCreateLeavesNothingBehind) {
    it::Runner ocirun = it::Runner::ocirun();
    struct Case {
        std::string name;
        std::function<void(it::Bundle&)> spoil;
        std::string error;
    };
    const std::vector<Case> cases = {
        {"bad rootfs",
         [](it::Bundle& b) {
             b.config()["root"].as_object()["path"] = "no-such-rootfs";
             b.save();
         },
         "invalid rootfs: stat "},
        // stderr carries the message logfmt-quoted, as runc's does: exec: \"nope\": ...
        {"unknown command", [](it::Bundle& b) { b.set_args({"nope"}); },
         R"(exec: \"nope\": executable file not found in $PATH)"},
        {"bad json", [](it::Bundle& b) { b.write_raw_config("{bad"); }, "config.json"},
    };
    for (const auto& c : cases) {
        it::Bundle bundle;
        c.spoil(bundle);
        const auto id = it::unique_id("lc-fail");
        for (const std::string cmd : {"create", "run"}) {
            auto r = ocirun({cmd, "--bundle", bundle.path(), id});
            EXPECT_NE(r.exit_code, 0) << c.name << " " << cmd;
            EXPECT_NE(r.err.find(c.error), std::string::npos) << c.name << " " << cmd << ": " << r.describe();
            EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << c.name << " " << cmd;
        }
    }
}

TEST(Lifecycle, ExampleProgramRunsEcho) {
    const std::filesystem::path example = std::filesystem::path(OCIRUN_TEST_BUILD_DIR) / "bin/ocirun_example_run";
    if (!std::filesystem::exists(example))
        GTEST_SKIP() << example << " is not built (target ocirun_example_run)";
    it::Bundle bundle;
    it::TempDir root("ocirun-it-example-root");
    const auto id = it::unique_id("lc-example");
    auto r = it::run_command({example.string(), bundle.path().string(), root.path().string(), id},
                             {.env = {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR}}});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "hello from libocirun\n") << r.describe();
    EXPECT_FALSE(std::filesystem::exists(root.path() / id)) << "the example left its state dir";
}

// A foreground `run` forwards signals to the container's init: the trap inside sees SIGTERM
// sent to the runtime, and the runtime exits with the container's code. Same with runc.
TEST(Lifecycle, ForegroundRunForwardsSignals) {
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while true; do sleep 0.1; done"});
    std::vector<it::Runner> runners;
    runners.push_back(it::Runner::ocirun());
    if (it::runc_available()) runners.push_back(it::Runner::runc());
    for (const it::Runner& rt : runners) {
        it::TempDir tmp("ocirun-it-sigfwd");
        const auto id = it::unique_id("sigfwd");
        const std::string out = (tmp.path() / "out").string();
        // The runtime in the background of a host shell, which waits for "ready" and sends SIGTERM.
        const std::string script =
            "'" + rt.binary().string() + "' --root '" + rt.root().string() + "' run --bundle '" +
            bundle.path().string() + "' " + id + " >'" + out + "' 2>&1 & pid=$!; " +
            "for i in $(seq 100); do grep -q ready '" + out + "' && break; sleep 0.1; done; " +
            "kill -TERM $pid; wait $pid; echo rc=$?; cat '" + out + "'";
        it::CommandOptions opts;
        opts.env = rt.env();
        const auto r = it::run_command({"/bin/sh", "-c", script}, opts);
        EXPECT_EQ(r.out, "rc=7\nready\ngot-term\n") << rt.name() << ": " << r.describe();
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
    }
}
