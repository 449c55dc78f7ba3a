// Fault injection (issue #16, docs/reliability.md): the runtime, or the container's init, is
// killed -9 at every step of create, start and delete, through the test-only hook
// OCIRUN_FAULT=<action>@<step> (core/util/fault.hpp). After each fault, `delete --force ID`
// and `list` (without the hook) must succeed and the host must hold nothing of the container:
// no state dir (nor a temporary one under the root), no process, no cgroup dir, no mount.
// Each test prints "faults injected: N, survived clean: M" and requires M == N.
//
// RandomKill.* kill the runtime from outside at random moments of `create` (the issue's
// original measurement), for ocirun (required clean) and for runc (only measured and printed).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The runtime's steps of create, in order (runtime.cpp, init_launcher.cpp, state_store.cpp).
// `init` is true where the init exists: there the runtime can also kill the init instead.
struct Step {
    const char* name;
    bool init;
};
const std::vector<Step> kCreateSteps = {
    {"create-state-dir-locked", false},     // temporary dir, lock held, not yet renamed
    {"create-state-dir-made", false},       // ROOT/ID exists, no config.json copy yet
    {"create-config-copied", false},
    {"create-cgroup-made", false},          // before clone() (namespace joined by path) or after
    {"create-before-clone", false},
    {"create-cloned", true},
    {"create-host-prepared", true},         // state dir, config copy, exec fifo
    {"create-go-sent", true},
    {"create-deferred-cgroup-made", true},  // only when the cgroup is made after clone()
    {"create-waiting-for-init", true},
    {"create-init-ready", true},
    {"create-before-state-json", true},
    {"create-state-json-written", true},
    {"create-recorded", true},              // --pid-file written, about to exit
};
// The init's own steps (core/linux/init.cpp): the init kills itself there.
const std::vector<const char*> kInitSteps = {
    "init-go-received", "init-mounts-done", "init-rootfs-entered", "init-before-ready", "init-ready-sent",
};

struct Tally {
    int injected = 0;
    int clean = 0;
    int not_reached = 0;
    void print(const std::string& what) const {
        std::cout << what << ": faults injected: " << injected << ", survived clean: " << clean
                  << " (steps not on this path: " << not_reached << ")" << std::endl;
    }
};

// Everything of the container still on the host, plus any entry left under the private root
// (a "~creating." or "~deleting." dir included). Waits up to 3 s: an init whose runtime died
// notices the closed sync socket and exits by itself, which takes a moment.
std::vector<std::string> leftovers_after_cleanup(const it::Runner& rt, const std::string& id, const it::Bundle& bundle) {
    std::vector<std::string> left;
    for (int i = 0; i < 30; ++i) {
        left = it::leftovers(rt, id, bundle);
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(rt.root(), ec)) left.push_back("under the root: " + e.path().string());
        if (left.empty()) return left;
        std::this_thread::sleep_for(100ms);
    }
    return left;
}

// delete --force and list without the hook; then nothing may be left. Records into `tally`.
void check_cleanup(const it::Runner& rt, const std::string& id, const it::Bundle& bundle, const std::string& fault,
                   Tally& tally) {
    ++tally.injected;
    const auto del = rt({"delete", "--force", id}, {.timeout = 20s});
    const auto list = rt({"list"}, {.timeout = 20s});
    const auto left = leftovers_after_cleanup(rt, id, bundle);
    bool ok = true;
    if (del.exit_code != 0) {
        ADD_FAILURE() << fault << ": delete --force: " << del.describe();
        ok = false;
    }
    if (list.exit_code != 0) {
        ADD_FAILURE() << fault << ": list: " << list.describe();
        ok = false;
    }
    if (!left.empty()) {
        ADD_FAILURE() << fault << ": left behind: " << ::testing::PrintToString(left);
        ok = false;
    }
    if (ok) ++tally.clean;
}

it::CommandOptions with_fault(const it::Runner& rt, const std::string& fault) {
    it::CommandOptions opts;
    opts.env = rt.env();
    opts.env["OCIRUN_FAULT"] = fault;
    opts.timeout = 20s;
    return opts;
}

// The init joins a namespace by path (this test's network namespace): the cgroup is then made
// before clone().
void join_host_network_namespace(it::Bundle& bundle) {
    for (auto& ns : bundle.config().at("linux").at("namespaces").as_array())
        if (ns.at("type").as_string() == "network") ns.as_object()["path"] = "/proc/" + std::to_string(::getpid()) + "/ns/net";
    bundle.save();
}

bool init_alive(const it::Runner& rt, const std::string& id) {
    const auto r = rt({"state", id});
    return r.exit_code == 0 && r.out.find("\"stopped\"") == std::string::npos;
}

// One create (or run -d) per fault: every runtime step with "kill" and, where the init exists,
// "kill-init"; every init step with "kill" (the init dies).
Tally inject_during_create(const std::vector<std::string>& command, void (*tweak)(it::Bundle&)) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    std::vector<std::string> faults;
    for (const Step& s : kCreateSteps) {
        faults.push_back(std::string("kill@") + s.name);
        if (s.init) faults.push_back(std::string("kill-init@") + s.name);
    }
    for (const char* s : kInitSteps) faults.push_back(std::string("kill@") + s);
    for (const std::string& fault : faults) {
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        if (tweak) tweak(bundle);
        const std::string id = it::unique_id("fault");
        std::vector<std::string> args = command;
        args.insert(args.end(), {"--bundle", bundle.path().string(), id});
        const auto r = ocirun(args, with_fault(ocirun, fault));
        const bool runtime_killed = fault.rfind("kill@create-", 0) == 0;
        if (runtime_killed && r.exit_code != 128 + SIGKILL) {
            // This path does not pass that step (e.g. no deferred cgroup): nothing injected.
            EXPECT_EQ(r.exit_code, 0) << fault << ": " << r.describe();
            ++tally.not_reached;
            ocirun({"delete", "--force", id});
            continue;
        }
        if (fault.rfind("kill-init@", 0) == 0 && r.exit_code == 0 && init_alive(ocirun, id)) {
            ++tally.not_reached;  // the init is alive: this path does not pass that step
            ocirun({"delete", "--force", id});
            continue;
        }
        check_cleanup(ocirun, id, bundle, fault, tally);
    }
    return tally;
}

TEST(FaultInjection, EveryStepOfCreate) {
    const Tally t = inject_during_create({"create"}, nullptr);
    t.print("create");
    EXPECT_EQ(t.clean, t.injected);
    EXPECT_EQ(t.not_reached, 0);
}

TEST(FaultInjection, EveryStepOfCreateWithCgroupBeforeClone) {
    const Tally t = inject_during_create({"create"}, join_host_network_namespace);
    t.print("create, namespace joined by path");
    EXPECT_EQ(t.clean, t.injected);
    EXPECT_EQ(t.not_reached, 2);  // create-deferred-cgroup-made (kill, kill-init): the cgroup came before clone()
}

TEST(FaultInjection, EveryStepOfRunDetached) {
    const Tally t = inject_during_create({"run", "--detach"}, nullptr);
    t.print("run --detach");
    EXPECT_EQ(t.clean, t.injected);
}

TEST(FaultInjection, EveryStepOfStart) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    for (const char* step : {"start-fifo-opened", "start-init-released", "start-recorded"}) {
        for (const char* action : {"kill", "kill-init"}) {
            const std::string fault = std::string(action) + "@" + step;
            it::Bundle bundle;
            bundle.set_args({"sleep", "1000"});
            const std::string id = it::unique_id("fault");
            const auto c = ocirun({"create", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
            ASSERT_EQ(c.exit_code, 0) << c.describe();
            const auto r = ocirun({"start", id}, with_fault(ocirun, fault));
            if (std::string(action) == "kill") EXPECT_EQ(r.exit_code, 128 + SIGKILL) << fault << ": " << r.describe();
            check_cleanup(ocirun, id, bundle, fault, tally);
        }
    }
    tally.print("start");
    EXPECT_EQ(tally.clean, tally.injected);
}

TEST(FaultInjection, EveryStepOfDelete) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    for (const char* step : {"delete-processes-killed", "delete-cgroup-removed", "delete-state-dir-renamed"}) {
        const std::string fault = std::string("kill@") + step;
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("fault");
        const auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        const auto r = ocirun({"delete", "--force", id}, with_fault(ocirun, fault));
        EXPECT_EQ(r.exit_code, 128 + SIGKILL) << fault << ": " << r.describe();
        check_cleanup(ocirun, id, bundle, fault, tally);
    }
    tally.print("delete --force");
    EXPECT_EQ(tally.clean, tally.injected);
}

// A command on a running container (`run --detach` first; "ID" in `command` is its id), faulted
// at each of `steps` with each action; `prepare ID` runs before it without the hook (e.g.
// `pause` before `resume`).
Tally inject_into_running(const std::vector<std::string>& prepare, const std::vector<std::string>& command,
                          const std::vector<const char*>& steps) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    for (const char* step : steps) {
        for (const char* action : {"kill", "kill-init"}) {
            const std::string fault = std::string(action) + "@" + step;
            it::Bundle bundle;
            bundle.set_args({"sleep", "1000"});
            const std::string id = it::unique_id("fault");
            const auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
            EXPECT_EQ(c.exit_code, 0) << c.describe();
            if (c.exit_code != 0) continue;
            if (!prepare.empty()) {
                std::vector<std::string> args = prepare;
                args.push_back(id);
                const auto p = ocirun(args, {.timeout = 20s});
                EXPECT_EQ(p.exit_code, 0) << p.describe();
            }
            std::vector<std::string> args = command;
            for (auto& a : args)
                if (a == "ID") a = id;
            const auto r = ocirun(args, with_fault(ocirun, fault));
            if (std::string(action) == "kill") EXPECT_EQ(r.exit_code, 128 + SIGKILL) << fault << ": " << r.describe();
            check_cleanup(ocirun, id, bundle, fault, tally);
        }
    }
    return tally;
}

TEST(FaultInjection, EveryStepOfExec) {
    const Tally t = inject_into_running({}, {"exec", "ID", "sleep", "500"}, {"exec-forked", "exec-pid-received", "exec-ready"});
    t.print("exec");
    EXPECT_EQ(t.clean, t.injected);
}

TEST(FaultInjection, EveryStepOfDetachedExec) {
    const Tally t = inject_into_running({}, {"exec", "--detach", "ID", "sleep", "500"},
                                        {"exec-forked", "exec-pid-received", "exec-ready"});
    t.print("exec --detach");
    EXPECT_EQ(t.clean, t.injected);
}

TEST(FaultInjection, EveryStepOfPauseAndResume) {
    Tally t = inject_into_running({}, {"pause", "ID"}, {"pause-locked", "pause-frozen"});
    t.print("pause");
    EXPECT_EQ(t.clean, t.injected);
    Tally r = inject_into_running({"pause"}, {"resume", "ID"}, {"resume-locked", "resume-thawed"});
    r.print("resume");
    EXPECT_EQ(r.clean, r.injected);
}

TEST(FaultInjection, EveryStepOfUpdate) {
    const Tally t = inject_into_running({}, {"update", "--memory", "64m", "--pids-limit", "50", "ID"},
                                        {"update-locked", "update-resources-set", "update-recorded"});
    t.print("update");
    EXPECT_EQ(t.clean, t.injected);
}

// SIGKILL the runtime from outside `delay` after it started `create` (the init is killed with it
// only when it already is in the cgroup that delete --force kills).
struct RandomKillResult {
    int tries = 0;
    int clean = 0;
    std::vector<std::string> examples;
};

// What a runtime (runc) leaves after the measurement is removed by hand, so that the host stays
// clean: the processes of each cgroup dir named `id` are killed and the dirs removed.
void remove_cgroups_named(const std::string& id) {
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        fs::recursive_directory_iterator it(hierarchy.path(), ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            if (it.depth() >= 3) it.disable_recursion_pending();
            if (it->is_directory() && it->path().filename() == id) dirs.push_back(it->path());
        }
    }
    for (const auto& dir : dirs) {
        std::ifstream procs(dir / "cgroup.procs");
        for (long pid; procs >> pid;) ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
    std::this_thread::sleep_for(100ms);
    for (const auto& dir : dirs) ::rmdir(dir.c_str());
}

RandomKillResult kill_randomly_during_create(const it::Runner& rt, int tries, int max_delay_ms) {
    RandomKillResult out;
    std::mt19937 rng(16);  // fixed: the same delays every run
    std::uniform_int_distribution<int> delay(0, max_delay_ms);
    for (int i = 0; i < tries; ++i) {
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("rndkill");
        std::ostringstream script;
        script << "$OCIRUN create --bundle " << bundle.path().string() << " " << id << " >/dev/null 2>&1 & p=$!; "
               << "sleep " << delay(rng) / 1000.0 << "; kill -9 $p; wait $p; true";
        it::shell(rt, script.str());
        ++out.tries;
        rt({"delete", "--force", id}, {.timeout = 20s});
        const auto list = rt({"list"}, {.timeout = 20s});
        auto left = leftovers_after_cleanup(rt, id, bundle);
        if (list.exit_code != 0) left.push_back("list failed: " + list.describe());
        if (left.empty()) ++out.clean;
        else if (out.examples.size() < 3) out.examples.push_back(::testing::PrintToString(left));
        remove_cgroups_named(id);
    }
    return out;
}

TEST(RandomKill, OcirunCreateLeavesNothing) {
    it::Runner ocirun = it::Runner::ocirun();
    const RandomKillResult r = kill_randomly_during_create(ocirun, 30, 250);
    std::cout << "ocirun, SIGKILL at a random moment of create: tries " << r.tries << ", clean " << r.clean << std::endl;
    EXPECT_EQ(r.clean, r.tries) << ::testing::PrintToString(r.examples);
}

// runc for comparison only: printed, never asserted (runc leaves cgroups behind now and then).
TEST(RandomKill, RuncCreateForComparison) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed";
    it::Runner runc = it::Runner::runc();
    const RandomKillResult r = kill_randomly_during_create(runc, 30, 250);
    std::cout << "runc, SIGKILL at a random moment of create: tries " << r.tries << ", clean " << r.clean << std::endl;
    for (const auto& e : r.examples) std::cout << "  runc left: " << e << std::endl;
}

}  // namespace
