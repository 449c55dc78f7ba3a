// ocirun against runc, the oracle: the same bundle and command line go through Debian's runc (a
// private --root) and through ocirun. Bad input must fail in both with the same class of error
// (a shared key phrase, both messages printed on mismatch) and leave nothing of ocirun behind;
// good input must give the same exit codes and the same JSON shapes.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

std::set<std::string> keys(const boost::json::object& o) {
    std::set<std::string> k;
    for (const auto& kv : o) k.insert(std::string(kv.key()));
    return k;
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& k : s) out += (out.empty() ? "" : ",") + k;
    return "{" + out + "}";
}

std::string status_of(const it::Runner& rt, const std::string& id) {
    return std::string(rt.state(id).at("status").as_string());
}

// Both runtimes, for one test: runc first so its messages are known when ocirun's are checked.
struct Runtimes {
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
};

// What one scenario produced in each runtime.
struct Pair {
    it::CommandResult runc, ours;
};

// Runs `scenario` (setup, the bad command, its own checks and cleanup) with runc, then with
// ocirun on the same bundle and id. runc's container is force-deleted before ocirun starts so
// the leftover check (which looks for processes rooted in the shared bundle) only sees ocirun's.
// Returns the results of the command under test.
Pair differential(Runtimes& rts, const it::Bundle& /*bundle, shared by both*/, const std::string& id,
                  const std::function<it::CommandResult(const it::Runner&)>& scenario) {
    Pair p;
    p.runc = scenario(rts.runc);
    rts.runc({"delete", "--force", id}, {.timeout = 15s});
    p.ours = scenario(rts.ocirun);
    return p;
}

// Both failed, and each of `phrases` is in both stderr texts.
void expect_same_error(const std::string& what, const Pair& p, const std::vector<std::string>& phrases) {
    EXPECT_NE(p.runc.exit_code, 0) << what << ": runc did not fail: " << p.runc.describe();
    EXPECT_NE(p.ours.exit_code, 0) << what << ": ocirun did not fail: " << p.ours.describe();
    EXPECT_FALSE(p.ours.timed_out) << what << ": ocirun hung";
    for (const auto& phrase : phrases) {
        EXPECT_NE(p.runc.err.find(phrase), std::string::npos)
            << what << ": the oracle does not say [" << phrase << "] (fix the test)\n  runc:   " << p.runc.err;
        EXPECT_NE(p.ours.err.find(phrase), std::string::npos)
            << what << ": ocirun's error lacks runc's key phrase [" << phrase << "]\n  runc:   " << p.runc.err
            << "\n  ocirun: " << p.ours.err;
    }
}

void expect_clean(const std::string& what, const Runtimes& rts, const std::string& id, const it::Bundle& bundle) {
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing) << what;
}

#define REQUIRE_RUNC() \
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with"

}  // namespace

// ---------------------------------------------------------------- bad bundles
TEST(Differential, BadBundlesFailLikeRunc) {
    REQUIRE_RUNC();
    struct Case {
        std::string name;
        std::function<void(it::Bundle&)> spoil;
        std::vector<std::string> phrases;
        std::string ours_also;  // ocirun must also name this (the file or field), "" = nothing extra
    };
    const std::vector<Case> cases = {
        // runc passes Go's JSON error through ("invalid character 'b' looking for ..."); the
        // shared class is "invalid", and ocirun must in addition name the file.
        {"malformed config.json", [](it::Bundle& b) { b.write_raw_config("{bad"); }, {"invalid"}, "config.json"},
        {"unknown namespace type",
         [](it::Bundle& b) {
             b.config()["linux"].as_object()["namespaces"].as_array().push_back(
                 boost::json::object{{"type", "bogusns"}});
             b.save();
         },
         {"namespace", "bogusns"}, "linux.namespaces"},
        {"missing rootfs", [](it::Bundle& b) { std::filesystem::remove_all(b.rootfs()); },
         {"invalid rootfs", "no such file or directory"}, ""},
        {"config without process",
         [](it::Bundle& b) {
             b.config().erase("process");
             b.save();
         },
         {"process property must not be empty"}, ""},
        {"args[0] does not exist", [](it::Bundle& b) { b.set_args({"no-such-binary"}); },
         {"no-such-binary", "executable file not found in $PATH"}, ""},
    };
    Runtimes rts;
    for (const auto& c : cases) {
        for (const std::string cmd : {"create", "run"}) {
            it::Bundle bundle;
            c.spoil(bundle);
            const auto id = it::unique_id("df-bad");
            const std::string what = c.name + " (" + cmd + ")";
            auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
                return rt({cmd, "--bundle", bundle.path(), id});
            });
            expect_same_error(what, p, c.phrases);
            if (!c.ours_also.empty()) {
                EXPECT_NE(p.ours.err.find(c.ours_also), std::string::npos)
                    << what << ": ocirun's error does not name " << c.ours_also << ": " << p.ours.err;
            }
            expect_clean(what, rts, id, bundle);
        }
    }
}

TEST(Differential, InvalidIdsFailLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"true"});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a/b", "invalid container ID format"},
        {"..", "invalid container ID format"},
        {"", "container id cannot be empty"},
    };
    for (const auto& [id, phrase] : cases) {
        for (const std::string cmd : {"create", "run"}) {
            const std::string what = cmd + " with id [" + id + "]";
            auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
                return rt({cmd, "--bundle", bundle.path(), id});
            });
            expect_same_error(what, p, {phrase});
            // Nothing may appear anywhere under the root (".." or "a/b" would escape or nest it).
            std::error_code ec;
            EXPECT_TRUE(std::filesystem::is_empty(rts.ocirun.root(), ec)) << what << ": ocirun wrote under --root";
            // leftovers() with an empty or path-like id would match everything: check the bundle only.
            EXPECT_EQ(it::leftovers(rts.ocirun, "df-id-never-used", bundle), kNothing) << what;
        }
    }
}

// ---------------------------------------------------------------- wrong state for the command
TEST(Differential, DuplicateIdKeepsTheFirstContainer) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-dup");
    auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
        auto r = rt({"create", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        if (r.exit_code != 0) return r;
        const auto pid = rt.state(id).at("pid").as_int64();
        auto dup = rt({"create", "--bundle", bundle.path(), id});
        auto st = rt.state(id);
        EXPECT_EQ(st.at("status").as_string(), "created") << rt.name() << ": the first container was disturbed";
        EXPECT_EQ(st.at("pid").as_int64(), pid) << rt.name();
        r = rt({"delete", id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": the first container is not deletable: " << r.describe();
        return dup;
    });
    expect_same_error("duplicate id", p, {"container with given ID already exists"});
    expect_clean("duplicate id", rts, id, bundle);
}

TEST(Differential, StartOnRunningAndStoppedFailsLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-start");

    auto running = differential(rts, bundle, id, [&](const it::Runner& rt) {
        auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        auto start = rt({"start", id});
        EXPECT_EQ(status_of(rt, id), "running") << rt.name() << ": a failed start changed the container";
        rt({"delete", "--force", id});
        return start;
    });
    expect_same_error("start on a running container", running, {"cannot start an already running container"});
    expect_clean("start on running", rts, id, bundle);

    auto stopped = differential(rts, bundle, id, [&](const it::Runner& rt) {
        auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        rt({"kill", id, "KILL"});
        EXPECT_TRUE(it::eventually([&] { return status_of(rt, id) == "stopped"; })) << rt.name();
        auto start = rt({"start", id});
        EXPECT_EQ(status_of(rt, id), "stopped") << rt.name();
        EXPECT_EQ(rt({"delete", id}).exit_code, 0) << rt.name();
        return start;
    });
    expect_same_error("start on a stopped container", stopped, {"cannot start a container that has stopped"});
    expect_clean("start on stopped", rts, id, bundle);
}

TEST(Differential, DeleteRunningWithoutForceFailsAndKeepsItRunning) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-delrun");
    auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
        auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        const auto pid = rt.state(id).at("pid").as_int64();
        auto del = rt({"delete", id});
        auto st = rt.state(id);
        EXPECT_EQ(st.at("status").as_string(), "running") << rt.name() << ": delete without --force stopped it";
        EXPECT_EQ(st.at("pid").as_int64(), pid) << rt.name();
        EXPECT_EQ(::kill(static_cast<pid_t>(pid), 0), 0) << rt.name() << ": init " << pid << " is gone";
        EXPECT_EQ(rt({"delete", "--force", id}).exit_code, 0) << rt.name();
        return del;
    });
    expect_same_error("delete on a running container", p,
                      {"cannot delete container " + id + " that is not stopped: running"});
    expect_clean("delete on running", rts, id, bundle);
}

TEST(Differential, KillOnStoppedAndUnknownSignalFailLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-kill");

    // An unknown signal name is refused before anything is sent: the container keeps running.
    for (const std::string sig : {"BOGUS", "SIGBOGUS"}) {
        auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
            auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
            EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
            auto kill = rt({"kill", id, sig});
            EXPECT_EQ(status_of(rt, id), "running") << rt.name() << " kill " << sig;
            rt({"delete", "--force", id});
            return kill;
        });
        expect_same_error("kill with signal " + sig, p, {"unknown signal", sig});
        expect_clean("kill " + sig, rts, id, bundle);
    }

    auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
        auto r = rt({"run", "--detach", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        rt({"kill", id, "KILL"});
        EXPECT_TRUE(it::eventually([&] { return status_of(rt, id) == "stopped"; })) << rt.name();
        auto kill = rt({"kill", id, "TERM"});
        EXPECT_EQ(rt({"delete", id}).exit_code, 0) << rt.name();
        return kill;
    });
    expect_same_error("kill on a stopped container", p, {"container not running"});
    expect_clean("kill on stopped", rts, id, bundle);
}

TEST(Differential, UnknownIdFailsLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    const auto id = it::unique_id("df-unknown");
    const std::vector<std::vector<std::string>> commands = {
        {"state", id}, {"delete", id}, {"kill", id}, {"kill", id, "KILL"}, {"start", id},
    };
    for (const auto& cmd : commands) {
        auto p = differential(rts, bundle, id, [&](const it::Runner& rt) { return rt(cmd); });
        expect_same_error(cmd[0] + " of an unknown id", p, {"container does not exist"});
        expect_clean(cmd[0], rts, id, bundle);
    }
}

TEST(Differential, UnknownFlagFailsLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"true"});
    const auto id = it::unique_id("df-flag");
    const std::vector<std::vector<std::string>> commands = {
        {"--no-such-flag", "list"},
        {"list", "--no-such-flag"},
        {"state", "--no-such-flag", id},
        {"run", "--no-such-flag", "--bundle", bundle.path(), id},
        {"create", "--no-such-flag", "--bundle", bundle.path(), id},
    };
    for (const auto& cmd : commands) {
        std::string what;
        for (const auto& a : cmd) what += a + " ";
        auto p = differential(rts, bundle, id, [&](const it::Runner& rt) { return rt(cmd); });
        expect_same_error(what, p, {"flag provided but not defined", "no-such-flag"});
        expect_clean(what, rts, id, bundle);
    }
}

// ---------------------------------------------------------------- good input, same results
TEST(Differential, RunExitCodesMatchRunc) {
    REQUIRE_RUNC();
    struct Case {
        std::string script;
        int code;
        bool host_pid_ns;
    };
    // Killed from inside by SIGKILL: with its own pid ns dropped, sh is not a pid-1 that ignores
    // the signal, so both runtimes must report 128+9.
    const std::vector<Case> cases = {{"exit 0", 0, false}, {"exit 3", 3, false}, {"kill -9 $$", 137, true}};
    Runtimes rts;
    for (const auto& c : cases) {
        it::Bundle bundle;
        bundle.set_args({"sh", "-c", c.script});
        if (c.host_pid_ns) bundle.remove_namespace("pid");
        const auto id = it::unique_id("df-exit");
        auto p = differential(rts, bundle, id, [&](const it::Runner& rt) {
            return rt({"run", "--bundle", bundle.path(), id});
        });
        EXPECT_EQ(p.runc.exit_code, c.code) << c.script << ": the oracle disagrees: " << p.runc.describe();
        EXPECT_EQ(p.ours.exit_code, p.runc.exit_code)
            << c.script << "\n  runc:   " << p.runc.describe() << "\n  ocirun: " << p.ours.describe();
        expect_clean(c.script, rts, id, bundle);
    }
}

// Each runtime in turn (two live containers with the same id would share cgroup dirs).
TEST(Differential, StateAndListJsonKeysMatchRuncInEveryStatus) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-keys");
    // status -> "state keys" / "list keys" -> runtime -> key set
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> seen;
    auto record = [&](const it::Runner& rt, const std::string& status) {
        auto st = rt.state(id);
        EXPECT_EQ(st.at("status").as_string(), status) << rt.name();
        seen[status]["state keys"][rt.name()] = joined(keys(st));
        auto l = rt({"list", "--format", "json"});
        EXPECT_EQ(l.exit_code, 0) << rt.name() << ": " << l.describe();
        boost::system::error_code ec;
        auto v = boost::json::parse(l.out, ec);
        ASSERT_FALSE(ec) << rt.name() << ": list --format json is not JSON: " << l.out;
        ASSERT_TRUE(v.is_array() && v.as_array().size() == 1u) << rt.name() << ": " << l.out;
        EXPECT_EQ(v.as_array()[0].at("status"), status.c_str()) << rt.name() << ": " << l.out;
        seen[status]["list keys"][rt.name()] = joined(keys(v.as_array()[0].as_object()));
    };
    for (const it::Runner* rt : {&rts.runc, &rts.ocirun}) {
        auto r = (*rt)({"create", "--bundle", bundle.path(), id});
        ASSERT_EQ(r.exit_code, 0) << rt->name() << ": " << r.describe();
        record(*rt, "created");
        ASSERT_EQ((*rt)({"start", id}).exit_code, 0) << rt->name();
        record(*rt, "running");
        ASSERT_EQ((*rt)({"kill", id, "KILL"}).exit_code, 0) << rt->name();
        EXPECT_TRUE(it::eventually([&] { return status_of(*rt, id) == "stopped"; })) << rt->name();
        record(*rt, "stopped");
        EXPECT_EQ((*rt)({"delete", id}).exit_code, 0) << rt->name();
    }
    for (const auto& [status, kinds] : seen)
        for (const auto& [what, by_runtime] : kinds) {
            ASSERT_EQ(by_runtime.size(), 2u) << what << " when " << status;
            EXPECT_EQ(by_runtime.at("ocirun"), by_runtime.at("runc")) << what << " when " << status;
        }
    expect_clean("state keys", rts, id, bundle);
}

TEST(Differential, ListTableHeaderMatchesRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    auto first_line = [](const std::string& s) { return s.substr(0, s.find('\n')); };
    auto words = [](const std::string& s) {
        std::istringstream in(s);
        return std::vector<std::string>(std::istream_iterator<std::string>(in), std::istream_iterator<std::string>());
    };
    // Empty: the header is all there is, byte for byte.
    auto lt = rts.runc({"list"}), lo = rts.ocirun({"list"});
    ASSERT_EQ(lo.exit_code, 0) << lo.describe();
    EXPECT_EQ(lo.out, lt.out) << "empty list";

    // One container (each runtime in turn: same id, same cgroup dirs): column widths follow the
    // cells (the CREATED timestamp's length varies), so compare the header's words and the row's
    // id/status/bundle/owner columns.
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    const auto id = it::unique_id("df-table");
    std::map<std::string, std::string> listing;
    for (const it::Runner* rt : {&rts.runc, &rts.ocirun}) {
        ASSERT_EQ((*rt)({"create", "--bundle", bundle.path(), id}).exit_code, 0) << rt->name();
        auto r = (*rt)({"list"});
        EXPECT_EQ(r.exit_code, 0) << rt->name() << ": " << r.describe();
        listing[rt->name()] = r.out;
        EXPECT_EQ((*rt)({"delete", "--force", id}).exit_code, 0) << rt->name();
    }
    const auto& t = listing["runc"];
    const auto& o = listing["ocirun"];
    EXPECT_EQ(words(first_line(o)), words(first_line(t))) << "runc:\n" << t << "ocirun:\n" << o;
    const auto row_t = words(t.substr(t.find('\n') + 1)), row_o = words(o.substr(o.find('\n') + 1));
    ASSERT_EQ(row_o.size(), row_t.size()) << "runc:\n" << t << "ocirun:\n" << o;
    ASSERT_EQ(row_o.size(), 6u) << "runc:\n" << t << "ocirun:\n" << o;
    for (size_t col : {0u, 2u, 3u, 5u}) EXPECT_EQ(row_o[col], row_t[col]) << "column " << col;
    expect_clean("list table", rts, id, bundle);
}

TEST(Differential, JsonLogFileOnErrorMatchesRuncShape) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::TempDir logs("ocirun-it-logs");
    it::Bundle bundle;
    std::filesystem::remove_all(bundle.rootfs());
    const auto id = it::unique_id("df-log");
    struct Case {
        std::string name;
        std::vector<std::string> args;
        std::string phrase;
    };
    const std::vector<Case> cases = {
        {"state of an unknown id", {"state", id}, "container does not exist"},
        {"create without rootfs", {"create", "--bundle", bundle.path(), id}, "invalid rootfs"},
    };
    for (const auto& c : cases) {
        std::map<std::string, boost::json::object> error_line;
        for (const it::Runner* rt : {&rts.runc, &rts.ocirun}) {
            const auto file = logs.path() / (rt->name() + "-" + std::to_string(&c - cases.data()) + ".log");
            std::vector<std::string> args{"--log-format", "json", "--log", file.string()};
            args.insert(args.end(), c.args.begin(), c.args.end());
            auto r = (*rt)(args);
            EXPECT_NE(r.exit_code, 0) << c.name << " " << rt->name() << ": " << r.describe();
            std::ifstream in(file);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            ASSERT_FALSE(text.empty()) << c.name << ": " << rt->name() << " wrote nothing to --log";
            EXPECT_EQ(text.back(), '\n') << c.name << " " << rt->name() << ": last line not terminated";
            std::istringstream lines(text);
            for (std::string line; std::getline(lines, line);) {
                boost::system::error_code ec;
                auto v = boost::json::parse(line, ec);
                ASSERT_FALSE(ec) << c.name << " " << rt->name() << ": not a JSON line: [" << line << "]";
                ASSERT_TRUE(v.is_object()) << line;
                const auto& o = v.as_object();
                for (const char* k : {"level", "msg", "time"})
                    EXPECT_TRUE(o.contains(k)) << c.name << " " << rt->name() << ": no \"" << k << "\" in " << line;
                if (o.contains("level") && o.at("level") == "error") error_line[rt->name()] = o;
            }
        }
        ASSERT_TRUE(error_line.count("runc")) << c.name << ": the oracle logged no error line";
        ASSERT_TRUE(error_line.count("ocirun")) << c.name << ": ocirun logged no \"level\":\"error\" line";
        const auto& ours = error_line["ocirun"];
        const auto& theirs = error_line["runc"];
        EXPECT_EQ(joined(keys(ours)), joined(keys(theirs))) << c.name << "\n  runc:   "
                                                            << boost::json::serialize(theirs)
                                                            << "\n  ocirun: " << boost::json::serialize(ours);
        EXPECT_NE(std::string(theirs.at("msg").as_string()).find(c.phrase), std::string::npos) << c.name;
        EXPECT_NE(std::string(ours.at("msg").as_string()).find(c.phrase), std::string::npos)
            << c.name << ": " << boost::json::serialize(ours);
        rts.runc({"delete", "--force", id});
        expect_clean(c.name, rts, id, bundle);
    }
}
