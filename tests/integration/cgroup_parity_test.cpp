// Cgroup behaviour compared with runc (issue #13 items 3, 6 and the cgroup bullets of 7), each
// on the same bundle through both runtimes where runc has the behaviour:
// - a pre-existing frozen cgroup is refused (runc: "container's cgroup unexpectedly frozen"),
//   within a timeout: a hang fails the test instead of blocking it;
// - without a cgroup-driver plugin create fails (unless the runtime config says
//   "cgroupDriver": "none");
// - `delete --force` removes the sub-cgroups the container's processes made;
// - `exec --cgroup ..` is refused before anything runs;
// - a non-empty cgroup gets runc's warning;
// - a v1 cpuset parent without cpus/mems (a caller's pod cgroup) gets them like runc does;
// - `update` of the common limits writes what runc writes and fails where runc fails;
// - a device rule with runc's "rwa" access is accepted and written like runc's.
// Cgroup v1 (hybrid) hosts only: every test skips elsewhere, saying why. Every cgroup a test
// makes is thawed, emptied and removed by a guard, even when the test fails.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path kCgroupRoot = "/sys/fs/cgroup";

// The v1 hierarchies mounted under /sys/fs/cgroup (real dirs, not the cpu,cpuacct name links),
// plus "unified" on a hybrid host.
std::vector<std::string> hierarchies() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(kCgroupRoot, ec)) {
        if (e.is_symlink()) continue;
        struct statfs s {};
        if (::statfs(e.path().c_str(), &s) == 0 && (s.f_type == CGROUP_SUPER_MAGIC || s.f_type == CGROUP2_SUPER_MAGIC))
            out.push_back(e.path().filename().string());
    }
    return out;
}

// Why the tests cannot run here ("" = they can).
std::string skip_reason() {
    struct statfs s {};
    if (::statfs(kCgroupRoot.c_str(), &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
        return "cgroup v1 tests: this host is pure cgroup v2";
    for (const char* c : {"freezer", "memory", "cpuset", "devices", "pids"})
        if (!fs::exists(kCgroupRoot / c / "cgroup.procs")) return std::string("no v1 ") + c + " hierarchy here";
    return "";
}

#define SKIP_UNLESS_V1()                                         \
    do {                                                         \
        if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why; \
    } while (0)

#define SKIP_UNLESS_RUNC() \
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed"

std::string read_trimmed(const fs::path& p) {
    std::string s = it::read_file(p);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

bool write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

// A cgroup path (relative to each hierarchy's root) that the test owns: whatever exists under it
// at the end, in any hierarchy, is thawed, its processes killed, and removed deepest first.
class CgroupGuard {
public:
    explicit CgroupGuard(const std::string& prefix) : relative_(it::unique_id(prefix)) {}
    ~CgroupGuard() {
        // Thawed everywhere first: a frozen task only dies (and leaves its cgroups) once thawed.
        for (const auto& h : hierarchies()) for_each_dir(kCgroupRoot / h / relative_, thaw);
        for (const auto& h : hierarchies()) for_each_dir(kCgroupRoot / h / relative_, kill_procs);
        for (const auto& h : hierarchies()) for_each_dir(kCgroupRoot / h / relative_, remove_dir);
    }
    CgroupGuard(const CgroupGuard&) = delete;
    CgroupGuard& operator=(const CgroupGuard&) = delete;

    const std::string& name() const { return relative_; }
    std::string path() const { return "/" + relative_; }
    fs::path dir(const std::string& hierarchy) const { return kCgroupRoot / hierarchy / relative_; }
    // mkdir in `hierarchy` (nothing else written: a v1 cpuset dir stays without cpus/mems).
    void make(const std::string& hierarchy) const { fs::create_directories(dir(hierarchy)); }
    // Whether any hierarchy still has it (or anything below it).
    std::vector<std::string> left() const {
        std::vector<std::string> out;
        for (const auto& h : hierarchies())
            if (fs::exists(dir(h))) out.push_back(dir(h).string());
        return out;
    }

private:
    // f on `d` and every cgroup below it, deepest first.
    template <class F>
    static void for_each_dir(const fs::path& d, F f) {
        if (!fs::is_directory(d)) return;
        std::error_code ec;
        std::vector<fs::path> children;
        for (const auto& e : fs::directory_iterator(d, ec))
            if (e.is_directory() && !e.is_symlink()) children.push_back(e.path());
        for (const auto& c : children) for_each_dir(c, f);
        f(d);
    }
    static void thaw(const fs::path& d) {
        if (fs::exists(d / "freezer.state")) write_file(d / "freezer.state", "THAWED");
        if (fs::exists(d / "cgroup.freeze")) write_file(d / "cgroup.freeze", "0");
    }
    static void kill_procs(const fs::path& d) {
        std::istringstream procs(it::read_file(d / "cgroup.procs"));
        for (long pid; procs >> pid;) ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
    static void remove_dir(const fs::path& d) {
        for (int i = 0; i < 250 && ::rmdir(d.c_str()) != 0 && errno == EBUSY; ++i) {
            kill_procs(d);
            std::this_thread::sleep_for(20ms);
        }
    }
    std::string relative_;
};

boost::json::object& linux_of(it::Bundle& b) { return b.config()["linux"].as_object(); }

void set_cgroups_path(it::Bundle& b, const std::string& path) {
    linux_of(b)["cgroupsPath"] = path;
    b.save();
}

// runc's log line without its time: `level=error msg="..."`.
bool has_log_line(const std::string& err, const std::string& level, const std::string& msg) {
    return err.find("level=" + level + " msg=\"" + msg + "\"") != std::string::npos;
}

std::vector<it::Runner> both_runtimes() {
    std::vector<it::Runner> out;
    out.push_back(it::Runner::runc());
    out.push_back(it::Runner::ocirun());
    return out;
}

// A forked `sleep` that the test owns (killed and reaped at the end).
class SleepProcess {
public:
    SleepProcess() {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execlp("sleep", "sleep", "1000", static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~SleepProcess() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
};

}  // namespace

// ---------------------------------------------------------------- item 3: a frozen cgroup
// runc's bats habit "run/create should refuse pre-existing frozen cgroup". Before the fix ocirun
// hung here (the init joined the frozen cgroup and never answered): the timeout fails it.
TEST(CgroupParity, PreExistingFrozenCgroupIsRefused) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        for (const std::string cmd : {"run", "create"}) {
            CgroupGuard cg("cgp-frozen");
            cg.make("freezer");
            ASSERT_TRUE(write_file(cg.dir("freezer") / "freezer.state", "FROZEN"));
            ASSERT_TRUE(it::eventually([&] { return read_trimmed(cg.dir("freezer") / "freezer.state") == "FROZEN"; }));
            it::Bundle bundle;
            bundle.set_args({"sleep", "1000"});
            set_cgroups_path(bundle, cg.path());
            const auto id = it::unique_id("cgp-frozen");
            std::vector<std::string> args{cmd};
            if (cmd == "run") args.push_back("--detach");
            args.insert(args.end(), {"--bundle", bundle.path().string(), id});
            auto r = rt(args, {.timeout = 20s});
            const std::string what = rt.name() + " " + cmd + ": " + r.describe();
            EXPECT_FALSE(r.timed_out) << "hung on the frozen cgroup: " << what;
            EXPECT_EQ(r.exit_code, 1) << what;
            EXPECT_TRUE(has_log_line(r.err, "error", rt.name() + " " + cmd + " failed: container's cgroup unexpectedly frozen"))
                << what;
            EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << what;
            // The caller's frozen cgroup is left as it was; nothing else was made.
            EXPECT_EQ(read_trimmed(cg.dir("freezer") / "freezer.state"), "FROZEN") << what;
            EXPECT_EQ(cg.left(), std::vector<std::string>{cg.dir("freezer").string()}) << what;
        }
    }
}

// A cgroup frozen through its parent: runc 1.1.5 hangs there (its init stays in D state until
// the parent is thawed), so this one is ocirun's alone: it refuses it like the direct case.
TEST(CgroupParity, CgroupFrozenThroughItsParentIsRefused) {
    SKIP_UNLESS_V1();
    it::Runner ocirun = it::Runner::ocirun();
    CgroupGuard cg("cgp-frozen-parent");
    cg.make("freezer");
    ASSERT_TRUE(write_file(cg.dir("freezer") / "freezer.state", "FROZEN"));
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    set_cgroups_path(bundle, cg.path() + "/ctr");
    const auto id = it::unique_id("cgp-frozen-parent");
    auto r = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(has_log_line(r.err, "error", "ocirun run failed: container's cgroup unexpectedly frozen")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
    EXPECT_FALSE(fs::exists(cg.dir("freezer") / "ctr")) << "the cgroup ocirun made was not removed";
    EXPECT_EQ(read_trimmed(cg.dir("freezer") / "freezer.state"), "FROZEN");
}

// On a hybrid host the container also joins a cgroup2 directory, whose own freezer
// (cgroup.freeze) stops the init just the same. runc 1.1.5 hangs there too (until its caller
// gives up); ocirun refuses it like a frozen v1 freezer cgroup.
TEST(CgroupParity, FrozenUnifiedCgroupOnAHybridHostIsRefused) {
    SKIP_UNLESS_V1();
    if (!fs::exists(kCgroupRoot / "unified/cgroup.procs")) GTEST_SKIP() << "no cgroup2 mount at /sys/fs/cgroup/unified";
    it::Runner ocirun = it::Runner::ocirun();
    CgroupGuard cg("cgp-frozen-unified");
    cg.make("unified");
    ASSERT_TRUE(write_file(cg.dir("unified") / "cgroup.freeze", "1"));
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    set_cgroups_path(bundle, cg.path());
    const auto id = it::unique_id("cgp-frozen-unified");
    auto r = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(has_log_line(r.err, "error", "ocirun run failed: container's cgroup unexpectedly frozen")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
    EXPECT_EQ(cg.left(), std::vector<std::string>{cg.dir("unified").string()});
    EXPECT_EQ(read_trimmed(cg.dir("unified") / "cgroup.freeze"), "1");
}

// ---------------------------------------------------------------- item 6: no cgroup driver
// A copy of the binary outside the build tree (so its exe-relative plugin dir does not exist)
// with OCIRUN_PLUGIN_PATH holding only the seccomp plugin: a bundle with a memory limit and a
// deny-all device rule must not run unconfined. With "cgroupDriver": "none" it runs, on purpose.
TEST(CgroupParity, MissingCgroupDriverIsRefusedUnlessConfigSaysNone) {
    SKIP_UNLESS_V1();
    const fs::path plugin_dir = OCIRUN_TEST_PLUGIN_DIR;
    const std::string seccomp_file = "syscall-filter.seccomp.so";
    if (!fs::exists(plugin_dir / seccomp_file)) GTEST_SKIP() << "needs " << seccomp_file << " in " << plugin_dir;
    for (const char* installed : {"/usr/local/lib/ocirun/plugins", "/usr/lib/ocirun/plugins"})
        if (fs::exists(fs::path(installed) / "cgroup-driver.cgroups-v1.so"))
            GTEST_SKIP() << "an installed plugin dir (" << installed << ") holds the cgroup driver";
    it::TempDir tree("ocirun-it-nocgroup");
    fs::create_directories(tree.path() / "sbin");
    fs::create_directories(tree.path() / "plugins");
    fs::copy_file(OCIRUN_TEST_BINARY, tree.path() / "sbin/ocirun");
    fs::create_symlink(plugin_dir / seccomp_file, tree.path() / "plugins" / seccomp_file);
    const std::string plugins = (tree.path() / "plugins").string();
    const fs::path no_config = tree.path() / "no-such-ocirun.json";
    const fs::path none_config = tree.path() / "ocirun.json";
    ASSERT_TRUE(write_file(none_config, R"({"cgroupDriver": "none"})"));

    it::Runner runner = it::Runner::ocirun();  // for its --root and its cleanup
    it::Bundle bundle;
    bundle.set_args({"true"});
    auto& resources = linux_of(bundle)["resources"].as_object();
    resources["memory"] = boost::json::object{{"limit", 100 * 1024 * 1024}};
    resources["devices"] = boost::json::array{boost::json::object{{"allow", false}, {"access", "rwm"}}};
    bundle.save();
    const auto id = it::unique_id("cgp-nodriver");
    auto ocirun = [&](const std::string& cmd, const fs::path& config) {
        return it::run_command({(tree.path() / "sbin/ocirun").string(), "--root", runner.root().string(), cmd,
                                "--bundle", bundle.path().string(), id},
                               {.env = {{"OCIRUN_PLUGIN_PATH", plugins}, {"OCIRUN_CONFIG", config.string()}}});
    };
    for (const std::string cmd : {"create", "run"}) {
        auto r = ocirun(cmd, no_config);
        EXPECT_EQ(r.exit_code, 1) << cmd << ": " << r.describe();
        const std::vector<std::string> named_in_error = {"cgroup-driver", "cgroups-v1", plugins,
                                                         "\\\"cgroupDriver\\\": \\\"none\\\"", no_config.string()};
        for (const std::string& named : named_in_error)
            EXPECT_NE(r.err.find(named), std::string::npos) << cmd << ": " << named << " not named: " << r.describe();
        EXPECT_EQ(it::leftovers(runner, id, bundle), std::vector<std::string>{}) << cmd;
    }
    auto r = ocirun("run", none_config);
    EXPECT_EQ(r.exit_code, 0) << "with \"cgroupDriver\": \"none\": " << r.describe();
    EXPECT_EQ(it::leftovers(runner, id, bundle), std::vector<std::string>{});
}

// ---------------------------------------------------------------- item 7: delete --force
// runc's "runc delete --force in cgroupv1 with subcgroups": the container's processes make
// sub-cgroups (a writable cgroup mount in a cgroup namespace) and move into them.
TEST(CgroupParity, DeleteForceRemovesSubCgroupsTheContainerMade) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        CgroupGuard cg("cgp-subcg");
        it::Bundle bundle;
        bundle.set_args({"sh", "-c",
                         "for s in memory freezer; do mkdir /sys/fs/cgroup/$s/foo && "
                         "echo $$ > /sys/fs/cgroup/$s/foo/cgroup.procs || exit 1; done; "
                         "sleep 1000 & mkdir /sys/fs/cgroup/memory/foo/bar; echo $! > /sys/fs/cgroup/memory/foo/bar/cgroup.procs; "
                         "wait"});
        auto& lx = linux_of(bundle);
        lx["namespaces"].as_array().push_back(boost::json::object{{"type", "cgroup"}});
        for (auto& m : bundle.config()["mounts"].as_array()) {
            auto& mo = m.as_object();
            if (!mo["type"].is_string() || mo["type"].as_string() != "cgroup") continue;
            boost::json::array options;
            for (const auto& o : mo["options"].as_array())
                if (!o.is_string() || o.as_string() != "ro") options.push_back(o);
            options.push_back(boost::json::string("rw"));
            mo["options"] = options;
        }
        set_cgroups_path(bundle, cg.path());
        const auto id = it::unique_id("cgp-subcg");
        auto r = rt({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        ASSERT_TRUE(it::eventually([&] {
            return fs::exists(cg.dir("memory") / "foo/bar/cgroup.procs") && !read_trimmed(cg.dir("memory") / "foo/bar/cgroup.procs").empty() &&
                   fs::exists(cg.dir("freezer") / "foo");
        })) << rt.name() << ": the container made no sub-cgroups";
        auto d = rt({"delete", "--force", id}, {.timeout = 20s});
        EXPECT_EQ(d.exit_code, 0) << rt.name() << ": " << d.describe();
        EXPECT_NE(rt({"state", id}).exit_code, 0) << rt.name() << ": the container is still there";
        EXPECT_EQ(cg.left(), std::vector<std::string>{}) << rt.name() << ": cgroups left";
        EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << rt.name();
    }
}

// ---------------------------------------------------------------- item 7: exec --cgroup ..
TEST(CgroupParity, ExecCgroupOutsideTheContainerIsRefusedBeforeAnythingRuns) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        it::DetachedContainer c(rt, "cgp-execcg");
        START_OR_FAIL(c);
        for (const std::string flag : {"..", "memory:..", "a/../..", "/.."}) {
            const std::string sub = flag.substr(flag.find(':') == std::string::npos ? 0 : flag.find(':') + 1);
            auto r = c.exec({"--cgroup", flag}, {"sh", "-c", "echo ran > /ran"});
            const std::string what = rt.name() + " --cgroup " + flag + ": " + r.describe();
            EXPECT_EQ(r.exit_code, 255) << what;
            EXPECT_TRUE(has_log_line(r.err, "error",
                                     "exec failed: unable to create new parent process: " + sub + " is not a sub cgroup path"))
                << what;
            EXPECT_FALSE(fs::exists(c.bundle().rootfs() / "ran")) << "the process ran: " << what;
        }
        // A path inside the container's cgroup still works ("/" is its own cgroup).
        auto ok = c.exec({"--cgroup", "/"}, {"true"});
        EXPECT_EQ(ok.exit_code, 0) << rt.name() << ": " << ok.describe();
    }
}

// ---------------------------------------------------------------- item 7: a non-empty cgroup
TEST(CgroupParity, NonEmptyCgroupGetsRuncsWarning) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        CgroupGuard cg("cgp-nonempty");
        SleepProcess sleeper;
        for (const auto& h : hierarchies()) {
            cg.make(h);
            if (h == "cpuset") {
                for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
                    ASSERT_TRUE(write_file(cg.dir(h) / f, read_trimmed(kCgroupRoot / h / f)));
                }
            }
            ASSERT_TRUE(write_file(cg.dir(h) / "cgroup.procs", std::to_string(sleeper.pid()))) << h;
        }
        it::Bundle bundle;
        bundle.set_args({"true"});
        set_cgroups_path(bundle, cg.path());
        const auto id = it::unique_id("cgp-nonempty");
        auto r = rt({"run", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        EXPECT_TRUE(has_log_line(r.err, "warning", "container's cgroup is not empty: 1 process(es) found"))
            << rt.name() << ": " << r.describe();
    }
}

// ---------------------------------------------------------------- item 7: v1 cpuset parent
// A pod cgroup made by a caller with mkdir alone has empty cpuset.cpus/mems; runc fills it (and
// the container's cgroup) from the nearest ancestor, for run and then update.
TEST(CgroupParity, CpusetParentWithoutCpusOrMemsIsFilledLikeRunc) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    const std::string root_cpus = read_trimmed(kCgroupRoot / "cpuset/cpuset.cpus");
    const std::string root_mems = read_trimmed(kCgroupRoot / "cpuset/cpuset.mems");
    for (const auto& rt : both_runtimes()) {
        CgroupGuard pod("cgp-pod");
        pod.make("cpuset");
        ASSERT_EQ(read_trimmed(pod.dir("cpuset") / "cpuset.cpus"), "");
        it::Bundle bundle;
        bundle.set_args({"sleep", "1000"});
        set_cgroups_path(bundle, pod.path() + "/ctr");
        const auto id = it::unique_id("cgp-pod");
        auto r = rt({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ASSERT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        for (const auto& d : {pod.dir("cpuset"), pod.dir("cpuset") / "ctr"}) {
            EXPECT_EQ(read_trimmed(d / "cpuset.cpus"), root_cpus) << rt.name() << ": " << d;
            EXPECT_EQ(read_trimmed(d / "cpuset.mems"), root_mems) << rt.name() << ": " << d;
        }
        auto u = rt({"update", "--cpuset-cpus", "0", "--cpuset-mems", "0", id});
        EXPECT_EQ(u.exit_code, 0) << rt.name() << ": " << u.describe();
        EXPECT_EQ(read_trimmed(pod.dir("cpuset") / "ctr/cpuset.cpus"), "0") << rt.name();
        EXPECT_EQ(rt({"delete", "--force", id}).exit_code, 0) << rt.name();
        EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << rt.name();
    }
}

// Two containers in one pod cgroup that the first one's create made: deleting the first must
// not fail on the pod directory the second still uses (runc removes only the container's own).
TEST(CgroupParity, DeleteKeepsAParentCgroupOtherContainersStillUse) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        CgroupGuard pod("cgp-shared");
        it::Bundle first, second;
        for (auto* b : {&first, &second}) b->set_args({"sleep", "1000"});
        set_cgroups_path(first, pod.path() + "/a");
        set_cgroups_path(second, pod.path() + "/b");
        const auto a = it::unique_id("cgp-shared-a"), b = it::unique_id("cgp-shared-b");
        ASSERT_EQ(rt({"run", "--detach", "--bundle", first.path().string(), a}, {.timeout = 20s}).exit_code, 0) << rt.name();
        ASSERT_EQ(rt({"run", "--detach", "--bundle", second.path().string(), b}, {.timeout = 20s}).exit_code, 0) << rt.name();
        auto d = rt({"delete", "--force", a}, {.timeout = 20s});
        EXPECT_EQ(d.exit_code, 0) << rt.name() << ": " << d.describe();
        EXPECT_NE(rt({"state", a}).exit_code, 0) << rt.name() << ": the first container is still there";
        EXPECT_FALSE(fs::exists(pod.dir("memory") / "a")) << rt.name();
        EXPECT_TRUE(fs::exists(pod.dir("memory") / "b")) << rt.name();
        EXPECT_EQ(rt({"delete", "--force", b}, {.timeout = 20s}).exit_code, 0) << rt.name();
        EXPECT_EQ(it::leftovers(rt, a, first), std::vector<std::string>{}) << rt.name();
        EXPECT_EQ(it::leftovers(rt, b, second), std::vector<std::string>{}) << rt.name();
    }
}

// ---------------------------------------------------------------- item 7: update
// The same `update` flags, one step after another, on a container of each runtime: the same
// success or failure and the same values in the cgroup files after each step. (Left out: a
// --cpu-share outside 2..262144, which runc writes, lets the kernel clamp, then reports as an
// error with the clamped value left in place; ocirun refuses it before writing.)
TEST(CgroupParity, UpdateOfCommonLimitsMatchesRunc) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    const std::vector<std::vector<std::string>> steps = {
        {"--memory", "100M"},
        {"--memory-swap", "200M"},
        {"--memory", "50M", "--memory-swap", "60M"},
        {"--memory", "300M"},                  // above memory+swap: refused by the kernel
        {"--memory", "300M", "--memory-swap", "-1"},
        {"--memory-swap", "10M"},              // below memory
        {"--cpu-share", "512"},
        {"--cpu-quota", "50000", "--cpu-period", "100000"},
        {"--cpu-period", "200000"},
        {"--cpu-quota", "-1"},
        {"--cpuset-cpus", "0"},
        {"--cpuset-mems", "0"},
        {"--pids-limit", "50"},
        {"--pids-limit", "-1"},
        {"--blkio-weight", "300"},             // refused by both without CFQ/BFQ (no blkio.weight)
        {"--cpu-quota", "500"},                // below the kernel's minimum
        {"--memory", "4k"},                    // below the usage
        {"--memory", "-1"},
        {"--pids-limit", "0"},
        {"--kernel-memory", "10M"},            // deprecated: accepted and ignored
    };
    const std::vector<std::pair<std::string, std::string>> files = {
        {"memory", "memory.limit_in_bytes"}, {"memory", "memory.memsw.limit_in_bytes"},
        {"cpu", "cpu.shares"},               {"cpu", "cpu.cfs_quota_us"},
        {"cpu", "cpu.cfs_period_us"},        {"cpuset", "cpuset.cpus"},
        {"cpuset", "cpuset.mems"},           {"pids", "pids.max"},
        {"blkio", "blkio.weight"},           {"blkio", "blkio.bfq.weight"},
    };
    struct Outcome {
        int exit_code;
        std::map<std::string, std::string> values;
    };
    std::map<std::string, std::vector<Outcome>> outcomes;
    for (const auto& rt : both_runtimes()) {
        CgroupGuard cg("cgp-update");
        it::DetachedContainer c(rt, "cgp-update", [&](it::Bundle& b) { set_cgroups_path(b, cg.path()); });
        START_OR_FAIL(c);
        for (const auto& step : steps) {
            std::vector<std::string> args{"update"};
            args.insert(args.end(), step.begin(), step.end());
            args.push_back(c.id());
            auto r = rt(args);
            Outcome o{r.exit_code, {}};
            for (const auto& [h, f] : files) o.values[f] = read_trimmed(cg.dir(h) / f);
            outcomes[rt.name()].push_back(o);
        }
    }
    const auto& runc = outcomes["runc"];
    const auto& ours = outcomes["ocirun"];
    ASSERT_EQ(runc.size(), steps.size());
    ASSERT_EQ(ours.size(), steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::string step = ::testing::PrintToString(steps[i]);
        EXPECT_EQ(ours[i].exit_code == 0, runc[i].exit_code == 0)
            << step << ": ocirun exit " << ours[i].exit_code << ", runc exit " << runc[i].exit_code;
        for (const auto& [file, value] : runc[i].values)
            EXPECT_EQ(ours[i].values.at(file), value) << step << ": " << file;
    }
}

// ---------------------------------------------------------------- item 7: device access "rwa"
// runc keeps the r, w and m of an access string and ignores other letters ("rwa" -> "rw").
TEST(CgroupParity, DeviceRuleAccessRwaIsAcceptedLikeRunc) {
    SKIP_UNLESS_V1();
    SKIP_UNLESS_RUNC();
    for (const auto& rt : both_runtimes()) {
        CgroupGuard cg("cgp-rwa");
        it::DetachedContainer c(rt, "cgp-rwa", [&](it::Bundle& b) {
            linux_of(b)["resources"].as_object()["devices"] = boost::json::array{
                boost::json::object{{"allow", false}, {"access", "rwm"}},
                boost::json::object{{"allow", true}, {"type", "c"}, {"major", 99}, {"minor", 1}, {"access", "rwa"}},
            };
            set_cgroups_path(b, cg.path());
        });
        START_OR_FAIL(c);
        std::string line;
        std::istringstream list(it::read_file(cg.dir("devices") / "devices.list"));
        for (std::string l; std::getline(list, l);)
            if (l.rfind("c 99:1 ", 0) == 0) line = l;
        EXPECT_EQ(line, "c 99:1 rw") << rt.name();
    }
}
