// OCI hooks (config.json `hooks`) through the `ocirun` binary: where each kind runs (namespace,
// status, pid), what it gets (argv, env, state JSON on stdin), the order of all six, failure
// semantics (create/start fail and leave nothing; poststop only warns; timeouts kill the hook),
// and the same bundles through runc, the oracle.
//
// The hooks are /bin/sh scripts in a temp dir that is bind-mounted into the container at the
// same path, so one script path works for the hooks run on the host and those run after
// pivot_root (startContainer), and every hook appends one line to the same log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

using it::read_file;

const std::vector<std::string> kNothing;
const std::vector<std::string> kAllKinds = {"prestart",       "createRuntime", "createContainer",
                                            "startContainer", "poststart",     "poststop"};

void write_script(const it::fs::path& p, const std::string& body) {
    {
        std::ofstream out(p);
        out << "#!/bin/sh\n" << body;
    }
    it::fs::permissions(p, it::fs::perms::owner_all | it::fs::perms::group_read | it::fs::perms::group_exec |
                               it::fs::perms::others_read | it::fs::perms::others_exec);
}

std::string ns_of(const std::string& proc_ns_path) {
    char buf[128] = {};
    ssize_t n = ::readlink(proc_ns_path.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// One line of the recorder's log.
struct Record {
    std::string kind;
    std::vector<std::string> args;  // $1.. (argv[0] is replaced by the kernel's #! handling)
    json::object state;
    std::set<std::string> env;      // without what sh itself adds (PWD, SHLVL, PATH, _)
    std::string mnt_ns;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    return out;
}

// A dir with the recorder script, bind-mounted into bundles at the same path.
class HookDir {
public:
    HookDir() {
        // Tab-separated: kind, args joined by '|', the stdin JSON, env joined by '|', mnt ns.
        write_script(recorder(), "kind=\"$1\"\n"
                                 "state=$(cat)\n"
                                 "args=$(printf '%s|' \"$@\")\n"
                                 "env=$(env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^PATH=' -e '^_=' | sort | tr '\\n' '|')\n"
                                 "mnt=$(readlink /proc/self/ns/mnt)\n"
                                 "printf '%s\\t%s\\t%s\\t%s\\t%s\\n' \"$kind\" \"$args\" \"$state\" \"$env\" \"$mnt\" >> " +
                                     log().string() + "\n");
        write_script(failing(), "echo \"out $1\"; echo \"err $1\" >&2; exit 3\n");
    }
    const it::fs::path& path() const { return dir_.path(); }
    it::fs::path recorder() const { return path() / "record.sh"; }
    it::fs::path failing() const { return path() / "fail.sh"; }
    it::fs::path log() const { return path() / "log"; }

    void mount_into(it::Bundle& bundle) const { bundle.add_bind_mount(path(), path().string()); }

    json::object recording_hook(const std::string& kind) const {
        return json::object{{"path", recorder().string()},
                            {"args", json::array{"recorder-argv0", json::string(kind), "two words"}},
                            {"env", json::array{json::string("HOOK_KIND=" + kind), "HOOK_OTHER=1"}}};
    }

    std::vector<Record> records() const {
        std::vector<Record> out;
        for (const auto& line : split(read_file(log()), '\n')) {
            if (line.empty()) continue;
            auto f = split(line, '\t');
            if (f.size() != 5) throw std::runtime_error("bad hook log line: " + line);
            Record r;
            r.kind = f[0];
            r.args = split(f[1], '|');
            r.state = json::parse(f[2]).as_object();
            for (const auto& e : split(f[3], '|'))
                if (!e.empty()) r.env.insert(e);
            r.mnt_ns = f[4];
            out.push_back(std::move(r));
        }
        return out;
    }
    std::vector<std::string> kinds() const {
        std::vector<std::string> k;
        for (const auto& r : records()) k.push_back(r.kind);
        return k;
    }
    void clear_log() const { it::fs::remove(log()); }

private:
    it::TempDir dir_{"ocirun-it-hooks"};
};

void set_hooks(it::Bundle& bundle, const json::object& hooks) {
    bundle.config()["hooks"] = hooks;
    bundle.save();
}

json::object every_kind_recording(const HookDir& dir) {
    json::object hooks;
    for (const auto& k : kAllKinds) hooks[k] = json::array{dir.recording_hook(k)};
    return hooks;
}

const Record* find(const std::vector<Record>& rs, const std::string& kind) {
    for (const auto& r : rs)
        if (r.kind == kind) return &r;
    return nullptr;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

// The runtime's log line quotes the message (a newline is written as \n); runc's too.
std::string unquoted_log(std::string err) {
    for (std::size_t p; (p = err.find("\\n")) != std::string::npos;) err.replace(p, 2, "\n");
    return err;
}

// Whether any process's cmdline contains `marker`.
bool process_with_marker_exists(const std::string& marker) {
    for (const auto& e : it::fs::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = read_file(e.path() / "cmdline");
        for (auto& c : cmd)
            if (c == '\0') c = ' ';
        if (cmd.find(marker) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST(Hooks, AllSixRunInOrderWithStateArgsEnvAndNamespaces) {
    it::Runner ocirun = it::Runner::ocirun();
    HookDir dir;
    it::Bundle bundle;
    dir.mount_into(bundle);
    bundle.config()["annotations"] = json::object{{"org.example.key", "value <&>"}};
    bundle.set_args({"sh", "-c", "sleep 0.2"});
    set_hooks(bundle, every_kind_recording(dir));
    const auto id = it::unique_id("hooks-all");

    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto init_pid = ocirun.state(id).at("pid").as_int64();
    const std::string host_mnt = ns_of("/proc/self/ns/mnt");
    const std::string container_mnt = ns_of("/proc/" + std::to_string(init_pid) + "/ns/mnt");
    ASSERT_NE(host_mnt, container_mnt);
    EXPECT_EQ(joined(dir.kinds()), "prestart,createRuntime,createContainer") << "after create";

    r = ocirun({"start", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // start returns after poststart, which runs once process.args was exec'd.
    EXPECT_EQ(joined(dir.kinds()), "prestart,createRuntime,createContainer,startContainer,poststart");
    ASSERT_TRUE(it::eventually([&] { return ocirun.state(id).at("status").as_string() == "stopped"; }));
    r = ocirun({"delete", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(joined(dir.kinds()), joined(kAllKinds));

    struct Expect {
        std::string status;
        std::int64_t pid;  // 0: no "pid" field
        std::string mnt;
    };
    const std::map<std::string, Expect> expected = {
        {"prestart", {"creating", init_pid, host_mnt}},
        {"createRuntime", {"creating", init_pid, host_mnt}},
        // In the container's namespaces; pid as the container sees itself (runc's value).
        {"createContainer", {"creating", 1, container_mnt}},
        {"startContainer", {"created", 1, container_mnt}},
        {"poststart", {"running", init_pid, host_mnt}},
        {"poststop", {"stopped", 0, host_mnt}},
    };
    const auto records = dir.records();
    for (const auto& [kind, want] : expected) {
        const Record* rec = find(records, kind);
        ASSERT_NE(rec, nullptr) << kind << " did not run";
        const auto& st = rec->state;
        EXPECT_EQ(st.at("status").as_string(), want.status) << kind;
        if (want.pid == 0) {
            EXPECT_FALSE(st.contains("pid")) << kind << ": " << json::serialize(st);
        } else {
            EXPECT_EQ(st.at("pid").as_int64(), want.pid) << kind;
        }
        EXPECT_EQ(st.at("id").as_string(), id) << kind;
        EXPECT_EQ(st.at("bundle").as_string(), bundle.path().string()) << kind;
        EXPECT_FALSE(st.at("ociVersion").as_string().empty()) << kind;
        EXPECT_EQ(json::serialize(st.at("annotations")), R"({"org.example.key":"value <&>"})") << kind;
        EXPECT_EQ(rec->mnt_ns, want.mnt) << kind;
        EXPECT_EQ(rec->args, (std::vector<std::string>{kind, "two words"})) << kind;
        // Only the hook's env: nothing of the runtime's (its OCIRUN_* variables, HOME...).
        EXPECT_EQ(rec->env, (std::set<std::string>{"HOOK_KIND=" + kind, "HOOK_OTHER=1"})) << kind;
    }
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// The same bundle through runc: every hook kind sees the same status, pid kind, namespace,
// argv and env. Known difference: runc 1.1 runs poststart at the end of create (status
// "created", before startContainer); ocirun runs it in start after process.args was exec'd,
// as runtime-spec says (status "running"), which is what runc 1.2 does too.
TEST(Hooks, SameStatesNamespacesAndOrderAsRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed";
    HookDir dir;
    it::Bundle bundle;
    dir.mount_into(bundle);
    bundle.set_args({"true"});
    set_hooks(bundle, every_kind_recording(dir));
    const std::string host_mnt = ns_of("/proc/self/ns/mnt");

    std::map<std::string, std::vector<Record>> seen;
    std::vector<it::Runner> runtimes;
    runtimes.push_back(it::Runner::runc());
    runtimes.push_back(it::Runner::ocirun());
    for (const auto& rt : runtimes) {
        dir.clear_log();
        const auto id = it::unique_id("hooks-diff");
        auto r = rt({"run", "--bundle", bundle.path(), id});
        ASSERT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        seen[rt.name()] = dir.records();
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
    }
    const auto& runc = seen.begin()->first == "runc" ? seen.begin()->second : seen.rbegin()->second;
    const auto& ours = seen.begin()->first == "runc" ? seen.rbegin()->second : seen.begin()->second;
    auto order_without_poststart = [](const std::vector<Record>& rs) {
        std::vector<std::string> k;
        for (const auto& r : rs)
            if (r.kind != "poststart") k.push_back(r.kind);
        return joined(k);
    };
    EXPECT_EQ(order_without_poststart(ours), order_without_poststart(runc));
    for (const auto& kind : kAllKinds) {
        const Record* theirs = find(runc, kind);
        const Record* mine = find(ours, kind);
        ASSERT_NE(theirs, nullptr) << "runc did not run " << kind;
        ASSERT_NE(mine, nullptr) << "ocirun did not run " << kind;
        if (kind != "poststart") {
            EXPECT_EQ(mine->state.at("status"), theirs->state.at("status")) << kind;
        }
        EXPECT_EQ(mine->state.contains("pid"), theirs->state.contains("pid")) << kind;
        if (theirs->state.contains("pid") && theirs->state.at("pid").as_int64() == 1) {
            EXPECT_EQ(mine->state.at("pid").as_int64(), 1) << kind;
        }
        EXPECT_EQ(mine->mnt_ns == host_mnt, theirs->mnt_ns == host_mnt) << kind;
        EXPECT_EQ(mine->args, theirs->args) << kind;
        EXPECT_EQ(mine->env, theirs->env) << kind;
        std::set<std::string> their_keys, my_keys;
        for (const auto& kv : theirs->state) their_keys.insert(std::string(kv.key()));
        for (const auto& kv : mine->state) my_keys.insert(std::string(kv.key()));
        EXPECT_EQ(my_keys, their_keys) << kind;
    }
}

// A failing prestart, createRuntime or createContainer hook fails create with runc's text, and
// nothing is left: no state dir, no init, no cgroup. runc runs poststop then too.
TEST(Hooks, FailingCreateHookFailsCreateAndLeavesNothing) {
    HookDir dir;
    for (const std::string kind : {"prestart", "createRuntime", "createContainer"}) {
        it::Bundle bundle;
        dir.mount_into(bundle);
        json::object hooks;
        hooks[kind] = json::array{dir.recording_hook(kind),
                                  json::object{{"path", dir.failing().string()}, {"args", json::array{"fail", "x"}}}};
        hooks["poststop"] = json::array{dir.recording_hook("poststop")};
        set_hooks(bundle, hooks);
        const std::string want = "error running hook #1: error running hook: exit status 3, stdout: out x\n, stderr: err x\n";
        std::vector<it::Runner> runtimes;
        if (it::runc_available()) runtimes.push_back(it::Runner::runc());
        runtimes.push_back(it::Runner::ocirun());
        for (const auto& rt : runtimes) {
            dir.clear_log();
            const auto id = it::unique_id("hooks-fail");
            auto r = rt({"create", "--bundle", bundle.path(), id});
            EXPECT_EQ(r.exit_code, 1) << rt.name() << " " << kind << ": " << r.describe();
            const std::string err = unquoted_log(r.err);
            EXPECT_NE(err.find(want), std::string::npos) << rt.name() << " " << kind << ": " << r.describe();
            EXPECT_EQ(joined(dir.kinds()), kind + ",poststop") << rt.name();
            EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name() << " " << kind;
        }
    }
}

TEST(Hooks, MissingHookBinaryNamesThePath) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    set_hooks(bundle, json::object{{"prestart", json::array{json::object{{"path", "/nonexistent-hook"}}}}});
    const auto id = it::unique_id("hooks-missing");
    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("error running hook #0: fork/exec /nonexistent-hook: no such file or directory"),
              std::string::npos)
        << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// A hook past its timeout is SIGKILLed (with whatever it started) and create fails at once,
// on the runtime side (prestart) and in the container (createContainer).
TEST(Hooks, TimeoutKillsTheHookAndCreateLeavesNothing) {
    it::Runner ocirun = it::Runner::ocirun();
    HookDir dir;
    for (const std::string kind : {"prestart", "createContainer"}) {
        it::Bundle bundle;
        dir.mount_into(bundle);
        const std::string marker = "4242" + std::to_string(::getpid());  // a unique sleep length
        const auto sleeper = dir.path() / ("sleep-" + kind + ".sh");
        write_script(sleeper, "sleep " + marker + "\n");
        json::object hooks;
        hooks[kind] = json::array{json::object{{"path", sleeper.string()}, {"timeout", 1}}};
        set_hooks(bundle, hooks);
        const auto id = it::unique_id("hooks-timeout");
        const auto t0 = std::chrono::steady_clock::now();
        auto r = ocirun({"create", "--bundle", bundle.path(), id}, {.timeout = 60s});
        const auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_EQ(r.exit_code, 1) << kind << ": " << r.describe();
        EXPECT_NE(r.err.find("error running hook #0: hook ran past specified timeout of 1.0s"), std::string::npos)
            << kind << ": " << r.describe();
        EXPECT_LT(took, 30s) << kind << ": create waited for the hook (its sleep runs for days)";
        EXPECT_TRUE(it::eventually([&] { return !process_with_marker_exists("sleep " + marker); }))
            << kind << ": the hook's sleep survived its timeout";
        EXPECT_FALSE(it::fs::exists(ocirun.root() / id)) << kind;
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << kind;
    }
}

// poststop failures only warn: delete succeeds, later poststop hooks still run (runtime-spec).
TEST(Hooks, FailingPoststopOnlyWarns) {
    it::Runner ocirun = it::Runner::ocirun();
    HookDir dir;
    it::Bundle bundle;
    dir.mount_into(bundle);
    bundle.set_args({"true"});
    set_hooks(bundle, json::object{{"poststop", json::array{json::object{{"path", dir.failing().string()},
                                                                         {"args", json::array{"fail", "stop"}}},
                                                            dir.recording_hook("poststop")}}});
    const auto id = it::unique_id("hooks-poststop");
    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_EQ(ocirun({"start", id}).exit_code, 0);
    ASSERT_TRUE(it::eventually([&] { return ocirun.state(id).at("status").as_string() == "stopped"; }));
    r = ocirun({"delete", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("error running hook #0: error running hook: exit status 3, stdout: out stop"),
              std::string::npos)
        << r.describe();
    EXPECT_EQ(joined(dir.kinds()), "poststop") << "the hook after the failing one did not run";
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// A failing startContainer hook ends the init before process.args runs, with the error on the
// container's stderr; poststart does not run. As runc: `run` exits 1.
TEST(Hooks, FailingStartContainerStopsTheContainer) {
    HookDir dir;
    it::Bundle bundle;
    dir.mount_into(bundle);
    bundle.set_args({"sh", "-c", "touch " + (dir.path() / "process-ran").string()});
    set_hooks(bundle, json::object{{"startContainer", json::array{json::object{{"path", dir.failing().string()},
                                                                               {"args", json::array{"f", "sc"}}}}},
                                   {"poststart", json::array{dir.recording_hook("poststart")}}});
    std::vector<it::Runner> runtimes;
    if (it::runc_available()) runtimes.push_back(it::Runner::runc());
    runtimes.push_back(it::Runner::ocirun());
    for (const auto& rt : runtimes) {
        dir.clear_log();
        const auto id = it::unique_id("hooks-startc");
        auto r = rt({"run", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 1) << rt.name() << ": " << r.describe();
        EXPECT_NE(r.err.find("error running hook #0: error running hook: exit status 3, stdout: out sc\n, stderr: err sc\n"),
                  std::string::npos)
            << rt.name() << ": " << r.describe();
        EXPECT_FALSE(it::fs::exists(dir.path() / "process-ran")) << rt.name();
        if (rt.name() != "runc") {  // runc 1.1 runs poststart at create, before startContainer
            EXPECT_EQ(joined(dir.kinds()), "") << "poststart ran after a failed startContainer";
        }
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
    }
}

// A failing poststart hook kills the container and start fails with the hook's error (runc).
TEST(Hooks, FailingPoststartKillsTheContainer) {
    it::Runner ocirun = it::Runner::ocirun();
    HookDir dir;
    it::Bundle bundle;
    dir.mount_into(bundle);
    bundle.set_args({"sleep", "100"});
    set_hooks(bundle, json::object{{"poststart", json::array{json::object{{"path", dir.failing().string()},
                                                                          {"args", json::array{"f", "ps"}}}}}});
    const auto id = it::unique_id("hooks-poststart");
    auto r = ocirun({"create", "--bundle", bundle.path(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = ocirun({"start", id});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(unquoted_log(r.err).find("error running hook #0: error running hook: exit status 3, stdout: out ps\n, stderr: err ps\n"),
              std::string::npos)
        << r.describe();
    EXPECT_EQ(ocirun.state(id).at("status").as_string(), "stopped");
    EXPECT_EQ(ocirun({"delete", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);

    // `run` removes the container whose start failed.
    const auto run_id = it::unique_id("hooks-poststart-run");
    r = ocirun({"run", "--bundle", bundle.path(), run_id});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("error running hook #0"), std::string::npos) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, run_id, bundle), kNothing);
}
