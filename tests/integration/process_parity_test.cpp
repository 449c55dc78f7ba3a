// The container process as runc 1.1.5 sets it up, compared on the same bundle (issue #13, items
// 5 and 7): HOME from the container's /etc/passwd, unknown capabilities warned about and left
// out, the texts for a program that cannot be run, and the pty slave owned by the process user.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "harness.hpp"
#include "harness_console.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

#define REQUIRE_RUNC() \
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with"

// One logrus text line: time="..." level=LEVEL msg="MSG" (msg unquoted).
struct LogLine {
    std::string level, msg;
};

std::string unquote_go(const std::string& text, std::size_t& i) {
    std::string out;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
            out += text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<LogLine> log_lines(const std::string& err) {
    std::vector<LogLine> out;
    std::size_t start = 0;
    while (start < err.size()) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        const std::string line = err.substr(start, end - start);
        start = end + 1;
        const auto level = line.find(" level=");
        const auto msg = line.find(" msg=");
        if (level == std::string::npos || msg == std::string::npos) continue;
        LogLine l;
        l.level = line.substr(level + 7, line.find(' ', level + 7) - (level + 7));
        std::size_t i = msg + 5;
        l.msg = line[i] == '"' ? unquote_go(line, i) : line.substr(i);
        out.push_back(l);
    }
    return out;
}

// The messages logged at `level`, with the program's own name ("runc "/"ocirun ") dropped.
std::vector<std::string> messages(const it::CommandResult& r, const std::string& level) {
    std::vector<std::string> out;
    for (auto& l : log_lines(r.err)) {
        if (l.level != level) continue;
        for (const char* name : {"runc ", "ocirun "})
            if (l.msg.rfind(name, 0) == 0) l.msg.erase(0, std::strlen(name));
        out.push_back(l.msg);
    }
    return out;
}

// Replaces (never edits in place: the rootfs shares hard-linked files) a file of the rootfs.
void put_file(const it::Bundle& bundle, const std::string& path, const std::string& content, fs::perms mode) {
    const fs::path file = bundle.rootfs() / path.substr(1);
    fs::create_directories(file.parent_path());
    fs::remove(file);
    std::ofstream(file) << content;
    fs::permissions(file, mode);
}

void put_passwd(const it::Bundle& bundle, const std::string& content) {
    put_file(bundle, "/etc/passwd", content, fs::perms(0644));
}

json::object& process_of(it::Bundle& b) { return b.config()["process"].as_object(); }

// /proc/self/environ made readable: "A=1 B=2 ".
std::string environ_words(const std::string& raw) {
    std::string out = raw;
    for (char& c : out)
        if (c == '\0') c = ' ';
    return out;
}

}  // namespace

// ------------------------------------------------------------------ 5a: HOME
// process.env without HOME (or with an empty one): runc sets the process user's home from the
// container's /etc/passwd, "/" without the file or the user; a repeated name keeps its first
// place and its last value (Go's os.Setenv).
TEST(ProcessParity, HomeFromPasswdLikeRunc) {
    REQUIRE_RUNC();
    const std::string passwd = "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n";
    struct Case {
        std::string name;
        std::string passwd;  // "" = no /etc/passwd (the harness's rootfs has one: removed)
        unsigned uid;
        std::vector<std::string> env;
        std::string expected;  // runc's, checked too so that a broken test shows
    };
    const std::vector<Case> cases = {
        {"no /etc/passwd", "", 0, {"PATH=/bin"}, "PATH=/bin HOME=/ "},
        {"root's entry", passwd, 0, {"PATH=/bin", "A=1"}, "PATH=/bin A=1 HOME=/root "},
        {"a user's entry", passwd, 1000, {"PATH=/bin"}, "PATH=/bin HOME=/home/user "},
        {"a uid without an entry", passwd, 2000, {"PATH=/bin"}, "PATH=/bin HOME=/ "},
        {"HOME given", passwd, 0, {"PATH=/bin", "HOME=/x"}, "PATH=/bin HOME=/x "},
        {"HOME empty", passwd, 0, {"HOME=", "PATH=/bin"}, "HOME=/root PATH=/bin "},
        {"repeated names, last HOME empty", passwd, 0, {"HOME=/x", "A=1", "PATH=/bin", "A=2", "HOME="},
         "HOME=/root A=2 PATH=/bin "},
        // runc's parser: lines trimmed, no comments, a uid that is not a number reads as 0, the
        // first match wins, missing fields are empty.
        {"odd passwd lines", "#root:x:0:0::/comment:/bin/sh\n  bad:x:abc:0::/bad:/bin/sh  \nroot:x:0:0::/root:/bin/sh\n",
         0, {"PATH=/bin"}, "PATH=/bin HOME=/comment "},
        {"a short entry", "user:x:1000:1000\n", 1000, {"PATH=/bin"}, "PATH=/bin HOME= "},
    };
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    for (const auto& c : cases) {
        it::Bundle bundle;
        if (c.passwd.empty()) fs::remove(bundle.rootfs() / "etc/passwd");
        else put_passwd(bundle, c.passwd);
        bundle.set_user(c.uid, c.uid);
        bundle.set_env(c.env);
        bundle.set_args({"cat", "/proc/self/environ"});
        const auto id = it::unique_id("pp-home");
        const auto theirs = runc({"run", "--bundle", bundle.path(), id});
        const auto ours = ocirun({"run", "--bundle", bundle.path(), id});
        EXPECT_EQ(theirs.exit_code, 0) << c.name << ": " << theirs.describe();
        EXPECT_EQ(environ_words(theirs.out), c.expected) << c.name << ": the oracle differs (fix the test)";
        EXPECT_EQ(ours.exit_code, 0) << c.name << ": " << ours.describe();
        EXPECT_EQ(environ_words(ours.out), environ_words(theirs.out)) << c.name;
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << c.name;
    }
}

TEST(ProcessParity, ExecHomeFromPasswdLikeRunc) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    it::TempDir dir("ocirun-it-pp-exec-home");
    const fs::path process_json = dir.path() / "process.json";
    std::ofstream(process_json) << R"({"args":["cat","/proc/self/environ"],"cwd":"/","env":["PATH=/bin"],)"
                                << R"("user":{"uid":1000,"gid":0}})";
    struct Case {
        std::string name;
        std::vector<std::string> flags;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"the container's process", {}, "PATH=/bin HOME=/root "},
        {"-e HOME= -e A=1", {"-e", "HOME=", "-e", "A=1"}, "PATH=/bin HOME=/root A=1 "},
        {"-e HOME=/h", {"-e", "HOME=/h"}, "PATH=/bin HOME=/h "},
        {"--user 1000", {"--user", "1000"}, "PATH=/bin HOME=/home/user "},
        {"--user 2000", {"--user", "2000"}, "PATH=/bin HOME=/ "},
        {"--process with uid 1000", {"--process", process_json.string()}, "PATH=/bin HOME=/home/user "},
    };
    auto tweak = [](it::Bundle& b) {
        put_passwd(b, "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n");
        b.set_env({"PATH=/bin"});
    };
    it::DetachedContainer theirs(runc, "pp-exec-home", tweak);
    it::DetachedContainer ours(ocirun, "pp-exec-home", tweak);
    START_OR_FAIL(theirs);
    START_OR_FAIL(ours);
    for (const auto& c : cases) {
        const std::vector<std::string> command =
            c.flags.size() == 2 && c.flags[0] == "--process" ? kNothing : std::vector<std::string>{"cat", "/proc/self/environ"};
        const auto r = theirs.exec(c.flags, command);
        const auto o = ours.exec(c.flags, command);
        EXPECT_EQ(r.exit_code, 0) << c.name << ": " << r.describe();
        EXPECT_EQ(environ_words(r.out), c.expected) << c.name << ": the oracle differs (fix the test)";
        EXPECT_EQ(o.exit_code, 0) << c.name << ": " << o.describe();
        EXPECT_EQ(environ_words(o.out), environ_words(r.out)) << c.name;
    }
}

// ------------------------------------------------------------------ 5b: capabilities
// An unknown name (or one newer than the kernel) is left out with one warning for all the sets,
// sorted, each name once; the container runs with the known ones.
TEST(ProcessParity, UnknownCapabilitiesAreIgnoredWithRuncsWarning) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    const std::string warning = "ignoring unknown or unavailable capabilities: [CAP_AMB CAP_BOGUS cap_kill]";
    for (const std::string cmd : {"run", "create"}) {
        it::Bundle bundle;
        auto& caps = process_of(bundle)["capabilities"].as_object();
        caps["bounding"].as_array().push_back("CAP_BOGUS");
        caps["effective"].as_array().emplace(caps["effective"].as_array().begin(), "CAP_BOGUS");
        caps["permitted"].as_array().push_back("cap_kill");
        caps["ambient"] = json::array{"CAP_AMB"};
        bundle.save();
        bundle.set_args({"sh", "-c", "grep Cap /proc/self/status"});
        for (const it::Runner* rt : {&runc, &ocirun}) {
            const auto id = it::unique_id("pp-caps");
            auto r = (*rt)({cmd, "--bundle", bundle.path(), id});
            EXPECT_EQ(r.exit_code, 0) << rt->name() << " " << cmd << ": " << r.describe();
            EXPECT_EQ(messages(r, "warning"), std::vector<std::string>{warning}) << rt->name() << " " << cmd << ": " << r.err;
            if (cmd == "create") {
                r = (*rt)({"start", id});
                EXPECT_EQ(r.exit_code, 0) << rt->name() << ": " << r.describe();
                EXPECT_TRUE(it::eventually([&] { return (*rt)({"state", id}).out.find("stopped") != std::string::npos; }));
                (*rt)({"delete", "--force", id});
            } else {
                // The known capabilities apply: runc's default set (CAP_AUDIT_WRITE, CAP_KILL,
                // CAP_NET_BIND_SERVICE).
                EXPECT_NE(r.out.find("CapEff:\t0000000020000420"), std::string::npos) << rt->name() << ": " << r.out;
            }
            if (rt == &ocirun) {
                EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << cmd;
            }
        }
    }
}

TEST(ProcessParity, ExecUnknownCapabilitiesAreIgnoredWithRuncsWarning) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    it::TempDir dir("ocirun-it-pp-exec-caps");
    const fs::path process_json = dir.path() / "process.json";
    std::ofstream(process_json) << R"({"args":["sh","-c","grep CapEff /proc/self/status"],"cwd":"/",)"
                                << R"("env":["PATH=/bin"],"capabilities":{"bounding":["CAP_KILL","CAP_ZZZ"],)"
                                << R"("effective":["CAP_KILL","CAP_BOGUS"],"permitted":["CAP_KILL"]}})";
    it::DetachedContainer theirs(runc, "pp-exec-caps");
    it::DetachedContainer ours(ocirun, "pp-exec-caps");
    START_OR_FAIL(theirs);
    START_OR_FAIL(ours);
    struct Case {
        std::string name;
        std::vector<std::string> flags, command;
        std::string warning, out;
    };
    const std::vector<Case> cases = {
        {"--cap CAP_BOGUS", {"--cap", "CAP_BOGUS"}, {"sh", "-c", "grep CapEff /proc/self/status"},
         "ignoring unknown or unavailable capabilities: [CAP_BOGUS]", "CapEff:\t0000000020000420\n"},
        {"two unknown --cap", {"--cap", "CAP_FOO", "--cap", "CAP_BOGUS", "--cap", "CAP_CHOWN"},
         {"sh", "-c", "grep CapEff /proc/self/status"},
         "ignoring unknown or unavailable capabilities: [CAP_BOGUS CAP_FOO]", "CapEff:\t0000000020000421\n"},
        {"--process", {"--process", process_json.string()}, {},
         "ignoring unknown or unavailable capabilities: [CAP_BOGUS CAP_ZZZ]", "CapEff:\t0000000000000020\n"},
    };
    for (const auto& c : cases) {
        for (const it::DetachedContainer* container : {&theirs, &ours}) {
            const auto r = container->exec(c.flags, c.command);
            const std::string what = c.name + (container == &ours ? " (ocirun)" : " (runc)");
            EXPECT_EQ(r.exit_code, 0) << what << ": " << r.describe();
            EXPECT_EQ(messages(r, "warning"), std::vector<std::string>{c.warning}) << what << ": " << r.err;
            EXPECT_EQ(r.out, c.out) << what;
        }
    }
}

// ------------------------------------------------------------------ 5c: a program that cannot run
// process.args[0] missing, not executable, a directory, not in $PATH, found relative to the cwd:
// runc's texts, word for word (podman and containerd match on them), for create, run and exec.
struct LookupCase {
    std::string name, arg, text;
};

const std::vector<LookupCase>& lookup_cases() {
    static const std::vector<LookupCase> cases = {
        {"missing", "/bin/x",
         R"(unable to start container process: exec: "/bin/x": stat /bin/x: no such file or directory)"},
        {"missing, relative with a slash", "./x",
         R"(unable to start container process: exec: "./x": stat ./x: no such file or directory)"},
        {"not executable", "/etc/plain", R"(unable to start container process: exec: "/etc/plain": permission denied)"},
        {"a directory", "/bin", R"(unable to start container process: exec: "/bin": permission denied)"},
        {"not in PATH", "nosuch", R"(unable to start container process: exec: "nosuch": executable file not found in $PATH)"},
        {"found through a relative PATH entry", "inroot",
         R"(unable to start container process: exec: "inroot": cannot run executable found relative to current directory)"},
    };
    return cases;
}

// /etc/plain (0644), /inroot (an executable copy of busybox at the root), PATH=/bin:. .
void prepare_lookup_rootfs(it::Bundle& b) {
    put_file(b, "/etc/plain", "not a program\n", fs::perms(0644));
    fs::copy_file(b.rootfs() / "bin/busybox", b.rootfs() / "inroot");
    b.set_env({"PATH=/bin:."});
}

TEST(ProcessParity, RunLookupErrorsLikeRunc) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    for (const auto& c : lookup_cases()) {
        for (const std::string cmd : {"run", "create"}) {
            it::Bundle bundle;
            prepare_lookup_rootfs(bundle);
            bundle.set_args({c.arg});
            const auto id = it::unique_id("pp-lookup");
            const std::string what = c.name + " (" + cmd + ")";
            const std::string expected = cmd + " failed: " + c.text;
            const auto r = runc({cmd, "--bundle", bundle.path(), id});
            const auto o = ocirun({cmd, "--bundle", bundle.path(), id});
            EXPECT_EQ(r.exit_code, 1) << what << ": " << r.describe();
            EXPECT_EQ(messages(r, "error"), std::vector<std::string>{expected}) << what << ": the oracle differs (fix the test)";
            EXPECT_EQ(o.exit_code, r.exit_code) << what << ": " << o.describe();
            EXPECT_EQ(messages(o, "error"), messages(r, "error")) << what << ": " << o.err;
            runc({"delete", "--force", id});
            EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << what;
        }
    }
}

TEST(ProcessParity, ExecLookupErrorsLikeRunc) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    it::DetachedContainer theirs(runc, "pp-exec-lookup", prepare_lookup_rootfs);
    it::DetachedContainer ours(ocirun, "pp-exec-lookup", prepare_lookup_rootfs);
    START_OR_FAIL(theirs);
    START_OR_FAIL(ours);
    for (const auto& c : lookup_cases()) {
        for (const std::vector<std::string>& flags : {kNothing, std::vector<std::string>{"-d"}}) {
            const std::string what = c.name + (flags.empty() ? "" : " (-d)");
            const auto r = theirs.exec(flags, {c.arg});
            const auto o = ours.exec(flags, {c.arg});
            EXPECT_EQ(r.exit_code, 255) << what << ": " << r.describe();
            EXPECT_EQ(messages(r, "error"), std::vector<std::string>{"exec failed: " + c.text})
                << what << ": the oracle differs (fix the test)";
            EXPECT_EQ(o.exit_code, r.exit_code) << what << ": " << o.describe();
            EXPECT_EQ(messages(o, "error"), messages(r, "error")) << what << ": " << o.err;
        }
    }
}

// ------------------------------------------------------------------ 7: the pty's owner
// With process.user 1000/5 (or 1000/1000) and a terminal, the pty slave belongs to uid 1000 and
// keeps devpts's gid 5 (tty), for run and exec; runc chowns it before the user switch.
TEST(ProcessParity, TerminalBelongsToTheProcessUserLikeRunc) {
    REQUIRE_RUNC();
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    const std::string script = "stat -c 'owner %u %g' $(tty); stat -c 'console %u %g' /dev/console; echo done";
    for (const unsigned gid : {5u, 1000u}) {
        std::string outputs[2];
        for (const it::Runner* rt : {&runc, &ocirun}) {
            it::ConsoleSocket console;
            it::Bundle bundle;
            bundle.set_terminal(true);
            bundle.set_user(1000, gid);
            bundle.set_args({"sh", "-c", script});
            const auto id = it::unique_id("pp-tty");
            const auto r = (*rt)({"run", "-d", "--console-socket", console.path(), "--bundle", bundle.path(), id});
            ASSERT_EQ(r.exit_code, 0) << rt->name() << ": " << r.describe();
            const int master = console.receive_master();
            ASSERT_GE(master, 0) << rt->name() << ": no pty master received";
            outputs[rt == &ocirun] = it::read_until(master, "done");
            ::close(master);
            (*rt)({"delete", "--force", id});
            if (rt == &ocirun) {
                EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
            }
        }
        EXPECT_NE(outputs[0].find("owner 1000 5\r\n"), std::string::npos) << "the oracle differs: " << outputs[0];
        EXPECT_EQ(outputs[1], outputs[0]) << "run, gid " << gid;
    }

    // exec -t: the container itself has no terminal.
    it::DetachedContainer theirs(runc, "pp-exec-tty");
    it::DetachedContainer ours(ocirun, "pp-exec-tty");
    START_OR_FAIL(theirs);
    START_OR_FAIL(ours);
    for (const std::string user : {"1000:5", "1000:1000"}) {
        std::string outputs[2];
        for (const it::DetachedContainer* container : {&theirs, &ours}) {
            it::ConsoleSocket console;
            const auto r = container->exec({"-d", "-t", "--console-socket", console.path(), "--user", user},
                                           {"sh", "-c", "stat -c 'owner %u %g' $(tty); echo done"});
            ASSERT_EQ(r.exit_code, 0) << r.describe();
            const int master = console.receive_master();
            ASSERT_GE(master, 0) << "no pty master received";
            outputs[container == &ours] = it::read_until(master, "done");
            ::close(master);
        }
        EXPECT_NE(outputs[0].find("owner 1000 5\r\n"), std::string::npos) << "the oracle differs: " << outputs[0];
        EXPECT_EQ(outputs[1], outputs[0]) << "exec --user " << user;
    }
}
