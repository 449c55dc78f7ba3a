// Faults of the runtime's environment (issue #16, docs/reliability.md "Environment faults"):
// a full state root (ENOSPC: blocks, then inodes), too few file descriptors (EMFILE: a low
// RLIMIT_NOFILE for the runtime), a full cgroup (pids.max reached), a read-only state root, a
// corrupted or truncated state.json, and a state.json whose init has no /proc entry. After each,
// `delete --force ID` and `list` (in a sane environment again) must succeed and nothing of the
// container may be left. The runtime may refuse the operation, but with an error, not a crash.
// Each test prints "environment faults: N, survived clean: M" and requires M == N.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct Tally {
    int injected = 0;
    int clean = 0;
    void print(const std::string& what) const {
        std::cout << what << ": environment faults: " << injected << ", survived clean: " << clean << std::endl;
    }
};

bool crashed(const it::CommandResult& r) {
    // 128+N: killed by signal N (exec's own failure exit is 255, like runc's).
    return r.timed_out || (r.exit_code > 128 && r.exit_code <= 128 + 64) ||
           r.err.find("AddressSanitizer") != std::string::npos ||
           r.err.find("runtime error:") != std::string::npos;
}

std::vector<std::string> everything_left(const it::Runner& rt, const std::string& id, const it::Bundle& bundle) {
    std::vector<std::string> left;
    for (int i = 0; i < 30; ++i) {
        left = it::leftovers(rt, id, bundle);
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(rt.root(), ec)) {
            const std::string name = e.path().filename().string();
            if (name.rfind("~seccomp-cache", 0) != 0 && name != "filler" && name != "lost+found")
                left.push_back("under the root: " + e.path().string());
        }
        if (left.empty()) break;
        std::this_thread::sleep_for(100ms);
    }
    return left;
}

// The faulted command's result must not be a crash; then delete --force, list, nothing left.
void check(const it::Runner& rt, const std::string& id, const it::Bundle& bundle, const std::string& fault,
           const it::CommandResult& faulted, Tally& tally) {
    ++tally.injected;
    bool ok = true;
    if (crashed(faulted)) {
        ADD_FAILURE() << fault << ": crashed: " << faulted.describe();
        ok = false;
    }
    const auto del = rt({"delete", "--force", id}, {.timeout = 20s});
    const auto list = rt({"list"}, {.timeout = 20s});
    if (del.exit_code != 0) {
        ADD_FAILURE() << fault << ": delete --force: " << del.describe();
        ok = false;
    }
    if (list.exit_code != 0) {
        ADD_FAILURE() << fault << ": list: " << list.describe();
        ok = false;
    }
    const auto left = everything_left(rt, id, bundle);
    if (!left.empty()) {
        ADD_FAILURE() << fault << ": left behind: " << ::testing::PrintToString(left);
        ok = false;
    }
    if (ok) ++tally.clean;
}

// A tmpfs mounted over the runner's --root for the test's lifetime.
class TmpfsRoot {
public:
    TmpfsRoot(const fs::path& root, const std::string& options) : root_(root) {
        mounted_ = ::mount("tmpfs", root.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~TmpfsRoot() {
        if (mounted_) ::umount2(root_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    void remount(unsigned long flags, const std::string& options) const {
        ::mount(nullptr, root_.c_str(), nullptr, MS_REMOUNT | flags, options.c_str());
    }

private:
    fs::path root_;
    bool mounted_ = false;
};

// Fill the file system of `dir` until only `free_bytes` (rounded to pages) are left.
void fill_leaving(const fs::path& dir, long free_bytes) {
    const fs::space_info before = fs::space(dir);
    const long fill = static_cast<long>(before.available) - free_bytes;
    if (fill <= 0) return;
    std::ofstream f(dir / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (long done = 0; done + 4096 <= fill && f; done += 4096) f.write(block.data(), block.size());
}

TEST(EnvironmentFaults, StateRootOutOfSpace) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    // Free pages left on the root's tmpfs before `create`: 0 (the state dir's first file fails)
    // up to enough for everything but state.json.
    for (long pages : {0L, 1L, 2L, 3L, 4L}) {
        TmpfsRoot tmpfs(ocirun.root(), "size=1m,mode=0700");
        if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs over the test's --root";
        fill_leaving(ocirun.root(), pages * 4096);
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("enospc");
        const auto r = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        fs::remove(ocirun.root() / "filler");  // space again for delete's own work
        check(ocirun, id, bundle, "ENOSPC with " + std::to_string(pages) + " free pages", r, tally);
    }
    // Out of inodes instead of blocks.
    for (int inodes : {1, 2, 3, 4, 5, 6}) {
        TmpfsRoot tmpfs(ocirun.root(), "size=1m,mode=0700,nr_inodes=" + std::to_string(inodes));
        if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs over the test's --root";
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("enospc");
        const auto r = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        tmpfs.remount(0, "nr_inodes=1000");
        check(ocirun, id, bundle, "ENOSPC with " + std::to_string(inodes) + " inodes", r, tally);
    }
    tally.print("state root out of space");
    EXPECT_EQ(tally.clean, tally.injected);
}

// UBSan's vptr check probes memory through a pipe: with the fd limit reached it cannot, and
// reports an "invalid vptr" (<memory cannot be printed>) for any virtual call. So the EMFILE runs
// need a runtime built without UBSan: CI's second pass (the Release binary) runs them.
bool built_with_ubsan(const fs::path& binary) {
    std::ifstream in(binary, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("__ubsan_handle_dynamic_type_cache_miss") != std::string::npos;
}

TEST(EnvironmentFaults, TooFewFileDescriptors) {
    it::Runner ocirun = it::Runner::ocirun();
    if (built_with_ubsan(ocirun.binary()))
        GTEST_SKIP() << ocirun.binary().string() << " is a UBSan build, whose vptr check needs free fds "
                     << "(it reports invalid vptrs at the limit); this test runs against the Release "
                     << "binary (OCIRUN_TEST_BINARY, the second integration pass of scripts/test.sh)";
    Tally tally;
    for (int limit : {4, 6, 8, 10, 12, 16, 24, 32}) {
        for (const char* command : {"run --detach", "create"}) {
            it::Bundle bundle;
            bundle.set_args({"sleep", "1000"});
            const std::string id = it::unique_id("emfile");
            const auto r = it::shell(ocirun, "ulimit -n " + std::to_string(limit) + " && exec $OCIRUN " + command +
                                                 " --bundle " + bundle.path().string() + " " + id, 20s);
            check(ocirun, id, bundle, std::string(command) + " with RLIMIT_NOFILE " + std::to_string(limit), r, tally);
        }
        // exec, start and delete of a running container under the same limit.
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("emfile");
        const auto c = ocirun({"create", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        const std::string ulimit = "ulimit -n " + std::to_string(limit) + " && exec $OCIRUN ";
        const auto s = it::shell(ocirun, ulimit + "start " + id, 20s);
        EXPECT_FALSE(crashed(s)) << s.describe();
        const auto e = it::shell(ocirun, ulimit + "exec " + id + " true", 20s);
        EXPECT_FALSE(crashed(e)) << e.describe();
        const auto d = it::shell(ocirun, ulimit + "delete --force " + id, 20s);
        check(ocirun, id, bundle, "start/exec/delete with RLIMIT_NOFILE " + std::to_string(limit), d, tally);
    }
    tally.print("RLIMIT_NOFILE lowered");
    EXPECT_EQ(tally.clean, tally.injected);
}

TEST(EnvironmentFaults, FullPidsCgroup) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    // pids.max = 1: the init alone fills it; exec must fail cleanly (its process cannot join).
    {
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        bundle.config()["linux"].as_object()["resources"] = boost::json::parse(R"({"pids":{"limit":1}})");
        bundle.save();
        const std::string id = it::unique_id("pidsfull");
        const auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        const auto e = ocirun({"exec", id, "true"}, {.timeout = 20s});
        EXPECT_NE(e.exit_code, 0) << "exec into a full pids cgroup: " << e.describe();
        const auto st = ocirun({"state", id}, {.timeout = 20s});
        EXPECT_EQ(st.exit_code, 0) << st.describe();
        check(ocirun, id, bundle, "exec with pids.max reached", e, tally);
    }
    // A fork bomb fills pids.max = 20; kill, exec, delete --force must still work.
    {
        it::Bundle bundle;
        bundle.set_args({"sh", "-c", "while :; do sleep 1000 & done"});
        bundle.config()["linux"].as_object()["resources"] = boost::json::parse(R"({"pids":{"limit":20}})");
        bundle.save();
        const std::string id = it::unique_id("pidsfull");
        const auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        std::this_thread::sleep_for(500ms);
        const auto e = ocirun({"exec", id, "true"}, {.timeout = 20s});
        check(ocirun, id, bundle, "fork bomb at pids.max", e, tally);
    }
    tally.print("full pids cgroup");
    EXPECT_EQ(tally.clean, tally.injected);
}

TEST(EnvironmentFaults, ReadOnlyStateRoot) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    // Read-only before create: refused, nothing made.
    {
        TmpfsRoot tmpfs(ocirun.root(), "size=1m,mode=0700");
        if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs over the test's --root";
        tmpfs.remount(MS_RDONLY, "");
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("rostate");
        const auto r = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        EXPECT_NE(r.exit_code, 0) << r.describe();
        tmpfs.remount(0, "");
        check(ocirun, id, bundle, "run with a read-only root", r, tally);
    }
    // Read-only under a created container: start, kill, pause, delete may fail, not crash or
    // hang; once writable again, delete --force cleans up.
    struct Op {
        const char* before;  // how the container was made
        const char* command;  // ID is substituted
    };
    for (const Op& op : {Op{"create", "start ID"}, Op{"run --detach", "pause ID"}, Op{"run --detach", "kill ID KILL"},
                         Op{"run --detach", "delete --force ID"}, Op{"run --detach", "exec ID true"}}) {
        TmpfsRoot tmpfs(ocirun.root(), "size=1m,mode=0700");
        if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs over the test's --root";
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("rostate");
        const auto c = it::shell(ocirun, std::string("exec $OCIRUN ") + op.before + " --bundle " + bundle.path().string() + " " + id, 20s);
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        tmpfs.remount(MS_RDONLY, "");
        std::string command = op.command;
        command.replace(command.find("ID"), 2, id);
        const auto r = it::shell(ocirun, "exec $OCIRUN " + command, 20s);
        tmpfs.remount(0, "");
        check(ocirun, id, bundle, std::string(op.command) + " with a read-only root", r, tally);
    }
    tally.print("read-only state root");
    EXPECT_EQ(tally.clean, tally.injected);
}

TEST(EnvironmentFaults, CorruptStateJson) {
    it::Runner ocirun = it::Runner::ocirun();
    Tally tally;
    struct Corruption {
        const char* name;
        std::string (*apply)(const std::string&);
    };
    const std::vector<Corruption> corruptions = {
        {"empty", [](const std::string&) { return std::string(); }},
        {"one byte", [](const std::string& s) { return s.substr(0, 1); }},
        {"truncated at half", [](const std::string& s) { return s.substr(0, s.size() / 2); }},
        {"last byte missing", [](const std::string& s) { return s.substr(0, s.size() - 1); }},
        {"null", [](const std::string&) { return std::string("null"); }},
        {"array", [](const std::string&) { return std::string("[]"); }},
        {"invalid UTF-8", [](const std::string& s) { std::string t = s; t.insert(t.find("\"id\":\"") + 6, "\xff\xfe"); return t; }},
        {"binary garbage", [](const std::string&) { return std::string("\x7f" "ELF\0\0\x01", 7); }},
        {"init_pid without /proc entry",
         [](const std::string& s) {
             const auto at = s.find("\"init_pid\":");
             const auto end = s.find_first_of(",}", at);
             return s.substr(0, at) + "\"init_pid\":4194000" + s.substr(end);
         }},
        {"init_pid -1",
         [](const std::string& s) {
             const auto at = s.find("\"init_pid\":");
             const auto end = s.find_first_of(",}", at);
             return s.substr(0, at) + "\"init_pid\":-1" + s.substr(end);
         }},
        {"cgroup_saved garbage",
         [](const std::string& s) {
             const auto at = s.find("\"cgroup_saved\":");
             if (at == std::string::npos) return s;
             const auto end = s.find("\",", at + 16);
             return s.substr(0, at) + "\"cgroup_saved\":\"../../../../\\u0000" + s.substr(end);
         }},
    };
    for (const auto& corruption : corruptions) {
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        const std::string id = it::unique_id("corrupt");
        const auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(c.exit_code, 0) << c.describe();
        const fs::path file = ocirun.root() / id / "state.json";
        const std::string text = it::read_file(file);
        {
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out << corruption.apply(text);
        }
        // Every reader must survive it (errors are fine, crashes are not).
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"state", id}, {"list"}, {"ps", id}, {"kill", id, "KILL"}, {"exec", id, "true"}}) {
            const auto r = ocirun(args, {.timeout = 20s});
            EXPECT_FALSE(crashed(r)) << corruption.name << ": " << args[0] << ": " << r.describe();
        }
        const auto list = ocirun({"list"}, {.timeout = 20s});
        EXPECT_EQ(list.exit_code, 0) << corruption.name << ": list with one corrupt state.json: " << list.describe();
        check(ocirun, id, bundle, std::string("state.json ") + corruption.name, list, tally);
    }
    tally.print("corrupt state.json");
    EXPECT_EQ(tally.clean, tally.injected);
}

}  // namespace
