// Issue #13, against runc 1.1.5 (the oracle): a container whose state has bad bytes or is
// corrupt stays manageable (item 2), one spelling of "already exists" (item 5), kill --all of a
// stopped container (item 7), and debug-level lifecycle lines with --debug (item 7).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <future>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

#define REQUIRE_RUNC() \
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with"

// The msg="..." text of the error line both runtimes print (logrus's text format), without the
// "<runtime> <command> failed: " prefix each puts before it.
std::string error_message(const it::CommandResult& r) {
    const auto at = r.err.rfind("msg=\"");
    if (at == std::string::npos) return r.err;
    std::string msg = r.err.substr(at + 5);
    msg = msg.substr(0, msg.find("\"\n"));
    if (const auto failed = msg.find(" failed: "); failed != std::string::npos) msg = msg.substr(failed + 9);
    return msg;
}

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

// config.json with invalid UTF-8 in ociVersion and in an annotation's key and value (bytes a
// JSON library writing text would never produce, but Go's decoder and ours accept).
void put_invalid_utf8(it::Bundle& bundle) {
    auto& config = bundle.config();
    config["ociVersion"] = "1.0.2-OCIVERSION";
    config["annotations"] = boost::json::object{{"keyKEYBYTES", "vVALUEBYTES"}};
    std::string text = boost::json::serialize(config);
    auto replace = [&](const std::string& from, const std::string& to) {
        text.replace(text.find(from), from.size(), to);
    };
    replace("OCIVERSION", "\xff\xc3");
    replace("KEYBYTES", "\xfe");
    replace("VALUEBYTES", "\xe2\x82x\xed\xa0\x80z");
    bundle.write_raw_config(text);
}

// The init's host pid as `state` says, or 0.
long pid_of(const it::Runner& rt, const std::string& id) {
    try {
        return static_cast<long>(rt.state(id).at("pid").as_int64());
    } catch (const std::exception&) {
        return 0;
    }
}

// runc first, so that its behaviour is known when ocirun's is checked.
std::vector<it::Runner> runc_then_ocirun() {
    std::vector<it::Runner> both;
    both.reserve(2);
    both.push_back(it::Runner::runc());
    both.push_back(it::Runner::ocirun());
    return both;
}

bool process_alive(long pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0; }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

// ---------------------------------------------------------------- item 5: one spelling
TEST(StateParity, DuplicateIdFailsWithRuncsExactText) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    for (auto& rt : runc_then_ocirun()) {
        const auto id = it::unique_id("sp-dup-" + rt.name());
        ASSERT_EQ(rt({"create", "--bundle", bundle.path(), id}).exit_code, 0);
        for (const std::string cmd : {"create", "run"}) {
            auto r = rt({cmd, "--bundle", bundle.path(), id});
            EXPECT_EQ(r.exit_code, 1) << rt.name() << " " << cmd << ": " << r.describe();
            EXPECT_EQ(error_message(r), "container with given ID already exists") << rt.name() << " " << cmd;
        }
        EXPECT_EQ(rt({"delete", "--force", id}).exit_code, 0);
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
    }
}

// Creates racing for one id: the losers' text must be the same whichever check stops them (the
// early one in create, or the state dir's atomic rename).
TEST(StateParity, ConcurrentCreatesOfOneIdFailWithOneText) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    for (int round = 0; round < 3; ++round) {
        const auto id = it::unique_id("sp-race");
        std::vector<std::future<it::CommandResult>> runs;
        for (int i = 0; i < 4; ++i)
            runs.push_back(std::async(std::launch::async, [&] { return ocirun({"create", "--bundle", bundle.path(), id}); }));
        int created = 0;
        for (auto& f : runs) {
            const auto r = f.get();
            if (r.exit_code == 0) {
                ++created;
                continue;
            }
            EXPECT_EQ(error_message(r), "container with given ID already exists") << r.describe();
        }
        EXPECT_EQ(created, 1);
        ocirun({"delete", "--force", id});
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    }
}

// ---------------------------------------------------------------- item 7: kill of a stopped one
TEST(StateParity, KillOfAStoppedContainerLikeRunc) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    bundle.set_args({"true"});
    struct Case {
        std::vector<std::string> flags;
        std::string signal;
    };
    const std::vector<Case> cases = {
        {{"--all"}, "0"}, {{"--all"}, "KILL"}, {{"--all"}, "TERM"}, {{}, "0"}, {{}, "KILL"}, {{}, "TERM"},
    };
    std::vector<std::pair<int, std::string>> seen[2];
    int which = 0;
    for (auto& rt : runc_then_ocirun()) {
        const auto id = it::unique_id("sp-kill-" + rt.name());
        ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.path(), id}).exit_code, 0);
        ASSERT_TRUE(it::eventually([&] { return rt.state(id).at("status").as_string() == "stopped"; }));
        for (const auto& c : cases) {
            std::vector<std::string> args{"kill"};
            args.insert(args.end(), c.flags.begin(), c.flags.end());
            args.push_back(id);
            args.push_back(c.signal);
            const auto r = rt(args);
            seen[which].emplace_back(r.exit_code, r.exit_code == 0 ? r.err : error_message(r));
        }
        EXPECT_EQ(rt({"delete", id}).exit_code, 0);
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
        ++which;
    }
    for (size_t i = 0; i < cases.size(); ++i) {
        const std::string what = "kill " + std::string(cases[i].flags.empty() ? "" : "--all ") + cases[i].signal;
        EXPECT_EQ(seen[1][i], seen[0][i]) << what << " (runc: exit " << seen[0][i].first << " [" << seen[0][i].second
                                          << "], ocirun: exit " << seen[1][i].first << " [" << seen[1][i].second << "])";
    }
    // runc 1.1.5: --all succeeds silently; the init's signal says the container is not running.
    EXPECT_EQ(seen[1][0], std::make_pair(0, std::string()));
    EXPECT_EQ(seen[1][3], std::make_pair(1, std::string("container not running")));
}

// ---------------------------------------------------------------- item 2: invalid UTF-8
TEST(StateParity, InvalidUtf8InConfigKeepsTheContainerManageable) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    put_invalid_utf8(bundle);
    std::string annotations[2];
    int which = 0;
    for (auto& rt : runc_then_ocirun()) {
        const auto id = it::unique_id("sp-utf8-" + rt.name());
        auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
        ASSERT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        auto list = rt({"list"});
        EXPECT_EQ(list.exit_code, 0) << rt.name() << ": " << list.describe();
        EXPECT_NE(list.out.find(id), std::string::npos) << rt.name() << ": " << list.out;
        auto json_list = rt({"list", "--format", "json"});
        EXPECT_EQ(json_list.exit_code, 0) << rt.name() << ": " << json_list.describe();
        auto state = rt({"state", id});
        ASSERT_EQ(state.exit_code, 0) << rt.name() << ": " << state.describe();
        boost::system::error_code ec;
        auto parsed = boost::json::parse(state.out, ec);  // strict UTF-8
        ASSERT_FALSE(ec) << rt.name() << " state is not valid JSON: " << state.out;
        annotations[which] = boost::json::serialize(parsed.as_object().at("annotations"));
        EXPECT_EQ(parsed.as_object().at("status").as_string(), "running");
        if (rt.name() == "ocirun") {
            boost::json::parse(it::read_file(rt.root() / id / "state.json"), ec);
            EXPECT_FALSE(ec) << "ocirun's state.json is not valid JSON";
            // The state's ociVersion is the runtime's own (runc: its spec version), never the config's.
            EXPECT_EQ(parsed.as_object().at("ociVersion").as_string().find("\xef\xbf\xbd"), std::string::npos);
        }
        EXPECT_EQ(rt({"kill", id, "KILL"}).exit_code, 0) << rt.name();
        EXPECT_TRUE(it::eventually([&] { return rt.state(id).at("status").as_string() == "stopped"; }));
        EXPECT_EQ(rt({"delete", id}).exit_code, 0) << rt.name();
        EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << rt.name();
        ++which;
    }
    // Go's encoding: one U+FFFD per invalid byte, in keys and values alike.
    EXPECT_EQ(annotations[1], annotations[0]);
    EXPECT_EQ(annotations[0], "{\"key\xef\xbf\xbd\":\"v\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\"}");
}

// A bundle path with a byte of no UTF-8 sequence: runc 1.1.5 cannot run it at all (its config
// round trip turns the rootfs path into U+FFFD: "no such file or directory"); ocirun runs it,
// and its state.json holds the path as Go would write it, so it still parses.
TEST(StateParity, InvalidUtf8BundlePathStillGivesValidState) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    const fs::path odd = bundle.path() / "odd\xff";
    fs::create_directories(odd);
    fs::copy_file(bundle.config_path(), odd / "config.json");
    fs::create_directory_symlink(bundle.rootfs(), odd / "rootfs");
    const auto id = it::unique_id("sp-utf8-bundle");
    auto r = ocirun({"run", "--detach", "--bundle", odd.string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    boost::system::error_code ec;
    boost::json::parse(it::read_file(ocirun.root() / id / "state.json"), ec);
    EXPECT_FALSE(ec) << "state.json is not valid JSON";
    auto state = ocirun({"state", id});
    EXPECT_EQ(state.exit_code, 0) << state.describe();
    auto parsed = boost::json::parse(state.out, ec);
    ASSERT_FALSE(ec) << state.out;
    EXPECT_EQ(parsed.as_object().at("bundle").as_string(), (bundle.path() / "odd\xef\xbf\xbd").string());
    auto list = ocirun({"list"});
    EXPECT_EQ(list.exit_code, 0) << list.describe();
    EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
    EXPECT_EQ(ocirun({"delete", "--force", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// ---------------------------------------------------------------- item 2: corrupt state.json
TEST(StateParity, CorruptStateOfOneContainerNeitherBreaksListNorLeaks) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    for (auto& rt : runc_then_ocirun()) {
        const bool ours = rt.name() == "ocirun";
        const auto good = it::unique_id("sp-good-" + rt.name());
        const auto bad = it::unique_id("sp-bad-" + rt.name());
        ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.path(), good}).exit_code, 0);
        ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.path(), bad}).exit_code, 0);
        const long bad_pid = pid_of(rt, bad);
        ASSERT_TRUE(process_alive(bad_pid));
        const fs::path state_file = rt.root() / bad / "state.json";
        const std::string original = it::read_file(state_file);
        write_file(state_file, original.substr(0, original.size() / 2));  // half-written

        auto list = rt({"list"});
        EXPECT_EQ(list.exit_code, 0) << rt.name() << ": " << list.describe();
        EXPECT_NE(list.out.find(good), std::string::npos) << rt.name() << ": " << list.describe();
        EXPECT_EQ(list.out.find(bad), std::string::npos) << rt.name() << ": " << list.describe();
        // runc: a plain "load container ID: ERROR" line on stderr for the one it cannot load.
        EXPECT_EQ(list.err.rfind("load container " + bad + ": ", 0), 0u) << rt.name() << ": " << list.err;
        EXPECT_EQ(lines_of(list.err).size(), 1u) << rt.name() << ": " << list.err;
        auto quiet = rt({"list", "-q"});
        EXPECT_EQ(quiet.exit_code, 0);
        EXPECT_EQ(quiet.out, good + "\n") << rt.name();
        auto json = rt({"list", "--format", "json"});
        EXPECT_EQ(json.exit_code, 0);
        boost::system::error_code ec;
        auto parsed = boost::json::parse(json.out, ec);
        ASSERT_FALSE(ec) << rt.name() << ": " << json.out;
        EXPECT_EQ(parsed.as_array().size(), 1u) << rt.name() << ": " << json.out;

        // state and kill of the corrupt one fail (runc: "unexpected EOF"; ocirun names the file).
        auto state = rt({"state", bad});
        EXPECT_EQ(state.exit_code, 1) << rt.name() << ": " << state.describe();
        auto kill = rt({"kill", bad, "KILL"});
        EXPECT_EQ(kill.exit_code, 1) << rt.name() << ": " << kill.describe();
        if (ours) {
            EXPECT_NE(state.err.find("state.json"), std::string::npos) << state.err;
            EXPECT_NE(kill.err.find("state.json"), std::string::npos) << kill.err;
        }
        EXPECT_TRUE(process_alive(bad_pid));

        auto del = rt({"delete", "--force", bad}, {.timeout = 20s});
        if (ours) {
            // Better than runc 1.1.5, which fails here and leaks the process and its cgroup:
            // the cgroup derived from the id leads to the process, and everything goes.
            EXPECT_EQ(del.exit_code, 0) << del.describe();
            EXPECT_TRUE(it::eventually([&] { return !process_alive(bad_pid); })) << "init " << bad_pid << " survived";
        } else {
            EXPECT_EQ(del.exit_code, 1) << del.describe();
            write_file(state_file, original);  // let runc clean up its own container
            EXPECT_EQ(rt({"delete", "--force", bad}).exit_code, 0);
        }
        EXPECT_TRUE(it::eventually([&] { return !process_alive(bad_pid); })) << rt.name();  // reaped
        EXPECT_EQ(rt({"state", good}).exit_code, 0) << rt.name();
        EXPECT_EQ(rt({"delete", "--force", good}).exit_code, 0) << rt.name();
        // Both share the bundle (leftovers() finds processes by it): checked once both are gone.
        EXPECT_EQ(it::leftovers(rt, bad, bundle), kNothing) << rt.name();
        EXPECT_EQ(it::leftovers(rt, good, bundle), kNothing) << rt.name();
    }
}

// A state dir a killed create left half-made (no lock, no state.json): list warns and goes on,
// state fails, delete --force removes it, as runc.
TEST(StateParity, HalfMadeStateDirLikeRunc) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    for (auto& rt : runc_then_ocirun()) {
        const auto id = it::unique_id("sp-half-" + rt.name());
        fs::create_directories(rt.root() / id);
        auto list = rt({"list", "-q"});
        EXPECT_EQ(list.exit_code, 0) << rt.name() << ": " << list.describe();
        EXPECT_EQ(list.out, "") << rt.name();
        EXPECT_EQ(list.err.rfind("load container " + id + ": ", 0), 0u) << rt.name() << ": " << list.err;
        EXPECT_EQ(rt({"state", id}).exit_code, 1) << rt.name();
        auto del = rt({"delete", "--force", id});
        EXPECT_EQ(del.exit_code, 0) << rt.name() << ": " << del.describe();
        EXPECT_FALSE(fs::exists(rt.root() / id)) << rt.name();
    }
}

// ---------------------------------------------------------------- item 7: --debug
TEST(StateParity, DebugLogsLifecycleStepsAtDebugLevel) {
    REQUIRE_RUNC();
    it::Bundle bundle;
    bundle.set_args({"true"});
    for (auto& rt : runc_then_ocirun()) {
        for (const std::string format : {"text", "json"}) {
            for (const bool debug : {true, false}) {
                const std::string what = rt.name() + " --log-format " + format + (debug ? " --debug" : "");
                it::TempDir logs("sp-log");
                const fs::path log = logs.path() / "log";
                std::vector<std::string> global{"--log", log.string(), "--log-format", format};
                if (debug) global.insert(global.begin(), "--debug");
                auto with = [&](std::vector<std::string> args) {
                    args.insert(args.begin(), global.begin(), global.end());
                    return args;
                };
                const auto id = it::unique_id("sp-debug-" + rt.name());
                auto run = rt(with({"run", "--bundle", bundle.path(), id}));
                EXPECT_EQ(run.exit_code, 0) << what << ": " << run.describe();
                const std::string debug_mark = format == "json" ? "\"level\":\"debug\"" : "level=debug";
                const std::string run_log = it::read_file(log);
                EXPECT_EQ(run_log.find(debug_mark) != std::string::npos, debug) << what << " run:\n" << run_log;
                for (const auto& line : lines_of(run_log)) {
                    if (format != "json") {
                        EXPECT_EQ(line.rfind("time=\"", 0), 0u) << what << ": " << line;
                        continue;
                    }
                    boost::system::error_code ec;
                    auto v = boost::json::parse(line, ec);
                    ASSERT_FALSE(ec) << what << ": not a JSON line: " << line;
                    EXPECT_TRUE(v.as_object().contains("level") && v.as_object().contains("msg")) << line;
                }

                fs::remove(log);
                it::DetachedContainer c(rt, "sp-debug-exec-" + rt.name());
                START_OR_FAIL(c);
                auto exec = rt(with({"exec", c.id(), "true"}));
                EXPECT_EQ(exec.exit_code, 0) << what << ": " << exec.describe();
                const std::string exec_log = it::read_file(log);
                EXPECT_EQ(exec_log.find(debug_mark) != std::string::npos, debug) << what << " exec:\n" << exec_log;
                EXPECT_EQ(it::leftovers(rt, id, bundle), kNothing) << what;
            }
        }
    }
}
