// Refuse before creating, undo after (issue #3 item 8). Two kinds of test, all with real bad input
// through the `ocirun` binary:
//  - RefusedBeforeCreating: configs and flags that can be judged before clone() fail then, with
//    the config.json field or flag in the message (runc's words where runc has them), and the
//    state root stays empty: not even a half-made container directory appeared.
//  - FailsAt*: a failure at each later step of create (state dir, cgroup, clone, id maps, each
//    step of the init, pid file) and of run's start. Each asserts a non-zero exit, the field or
//    flag in the message, and that nothing is left: no state dir (so no exec fifo), no process,
//    no cgroup dir, no mount mentioning the bundle or the id; mountinfo and the cgroup dirs that
//    mention the id or bundle are compared before and after.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNothing;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// What of the host could belong to this container: mountinfo lines and cgroup directories that
// mention the bundle or the id. Other engineers' containers come and go meanwhile, so the whole
// tables are not compared, only what names ours.
struct HostSnapshot {
    std::set<std::string> mounts;
    std::set<std::string> cgroups;
    bool operator==(const HostSnapshot&) const = default;
};

HostSnapshot snapshot(const it::Bundle& bundle, const std::string& id) {
    HostSnapshot s;
    std::istringstream mounts(read_text("/proc/self/mountinfo"));
    for (std::string line; std::getline(mounts, line);)
        if (contains(line, bundle.path().string()) || contains(line, id)) s.mounts.insert(line);
    std::error_code ec;
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        fs::recursive_directory_iterator walk(hierarchy.path(), ec), end;
        for (; !ec && walk != end; walk.increment(ec)) {
            if (walk.depth() >= 4) walk.disable_recursion_pending();
            if (walk->is_directory() && contains(walk->path().string(), id)) s.cgroups.insert(walk->path().string());
        }
    }
    return s;
}

std::string describe(const HostSnapshot& s) {
    std::string out;
    for (const auto& m : s.mounts) out += "  mount: " + m + "\n";
    for (const auto& c : s.cgroups) out += "  cgroup: " + c + "\n";
    return out;
}

json::object& linux_of(it::Bundle& bundle) { return bundle.config().at("linux").as_object(); }
json::object& process_of(it::Bundle& bundle) { return bundle.config().at("process").as_object(); }

// A failing command and the host around it.
struct Attempt {
    it::CommandResult result;
    HostSnapshot before, after;
};

// Runs `cmd` (create or run) on the bundle with `extra` flags, recording the host before and after.
Attempt attempt(const it::Runner& ocirun, it::Bundle& bundle, const std::string& id, const std::string& cmd,
                const std::vector<std::string>& extra = {}) {
    Attempt a;
    a.before = snapshot(bundle, id);
    std::vector<std::string> args{cmd, "--bundle", bundle.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(id);
    a.result = ocirun(args);
    a.after = snapshot(bundle, id);
    return a;
}

// The common assertions: failed, said `text`, left nothing.
void expect_failed_cleanly(const Attempt& a, const it::Runner& ocirun, const std::string& id,
                           const it::Bundle& bundle, const std::string& text) {
    EXPECT_NE(a.result.exit_code, 0) << a.result.describe();
    EXPECT_TRUE(contains(a.result.err, text)) << "expected \"" << text << "\" in: " << a.result.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << a.result.describe();
    EXPECT_EQ(a.before, a.after) << "before:\n" << describe(a.before) << "after:\n" << describe(a.after);
    // No half-made container directory ("creating" temp dir) either. Names starting with '~'
    // are plugin caches (never a container id), not part of any container.
    std::error_code ec;
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(ocirun.root(), ec))
        if (e.path().filename().string().rfind('~', 0) != 0) entries.push_back(e.path().string());
    EXPECT_EQ(entries, kNothing) << "left in the state root";
}

// Create fails (and run too) at the step `spoil` breaks.
void expect_create_and_run_fail_cleanly(it::Bundle& bundle, const std::string& prefix, const std::string& text,
                                        const std::vector<std::string>& extra = {}) {
    it::Runner ocirun = it::Runner::ocirun();
    for (const std::string cmd : {"create", "run"}) {
        SCOPED_TRACE(cmd);
        const auto id = it::unique_id(prefix);
        Attempt a = attempt(ocirun, bundle, id, cmd, extra);
        expect_failed_cleanly(a, ocirun, id, bundle, text);
    }
}

void add_mount(it::Bundle& bundle, const std::string& dest, const std::string& type, const std::string& source,
               const std::vector<std::string>& options = {}) {
    json::array opts;
    for (const auto& o : options) opts.emplace_back(o);
    bundle.config().at("mounts").as_array().push_back(
        json::object{{"destination", dest}, {"type", type}, {"source", source}, {"options", opts}});
    bundle.save();
}

void add_user_namespace(it::Bundle& bundle) {
    auto& l = linux_of(bundle);
    l["namespaces"].as_array().push_back(json::object{{"type", "user"}});
    const json::array map{json::object{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
    l["uidMappings"] = map;
    l["gidMappings"] = map;
    bundle.save();
    fs::permissions(bundle.path(), fs::perms(0755));  // the mapped root must reach the rootfs
}

// The cgroup tests need the v1 driver plugin of this build (OCIRUN_TEST_PLUGIN_DIR).
bool v1_driver_built() { return fs::exists(fs::path(OCIRUN_TEST_PLUGIN_DIR) / "cgroup-driver.cgroups-v1.so"); }

bool v1_controller(const std::string& name) {
    return fs::exists("/sys/fs/cgroup/" + name + "/cgroup.procs") &&
           !fs::exists("/sys/fs/cgroup/" + name + "/cgroup.controllers");
}

}  // namespace

// ------------------------------------------------------------------ refused before clone()
TEST(Rollback, RefusedBeforeCreating) {
    struct Case {
        std::string name;
        std::function<void(it::Bundle&)> spoil;
        std::string error;              // ocirun's text (names the field or flag)
        std::string runc_error;         // runc's words, when runc refuses it too (compared if installed)
        std::vector<std::string> flags; // extra create flags
    };
    auto sysctl = [](const std::string& key, const std::string& drop_ns) {
        return [=](it::Bundle& b) {
            linux_of(b)["sysctl"] = json::object{{key, "1"}};
            b.save();
            if (!drop_ns.empty()) b.remove_namespace(drop_ns);
        };
    };
    const std::vector<Case> cases = {
        {"net sysctl without a network namespace", sysctl("net.ipv4.ip_forward", "network"),
         R"(linux.sysctl[\"net.ipv4.ip_forward\"])", "not allowed in host network namespace", {}},
        {"ipc sysctl without an ipc namespace", sysctl("kernel.shmmax", "ipc"),
         "is not allowed in the hosts ipc namespace", "is not allowed in the hosts ipc namespace", {}},
        {"sysctl of no namespace", sysctl("vm.swappiness", ""), "is not in a separate kernel namespace",
         "is not in a separate kernel namespace", {}},
        {"kernel.hostname sysctl", sysctl("kernel.hostname", ""), R"(conflicts with the OCI \"hostname\" field)",
         "conflicts with the OCI", {}},
        {"maskedPaths without a mount namespace", [](it::Bundle& b) { b.remove_namespace("mount"); },
         "linux.maskedPaths: unable to restrict sys entries without a private MNT namespace",
         "unable to restrict sys entries without a private MNT namespace", {}},
        {"namespace path that does not exist",
         [](it::Bundle& b) {
             b.remove_namespace("network");
             linux_of(b)["namespaces"].as_array().push_back(
                 json::object{{"type", "network"}, {"path", "/nonexistent/rollback-ns"}});
             b.save();
         },
         "linux.namespaces[4].path: namespace path: lstat /nonexistent/rollback-ns: no such file or directory",
         "namespace path: lstat /nonexistent/rollback-ns: no such file or directory", {}},
        {"unknown rlimit",
         [](it::Bundle& b) {
             process_of(b)["rlimits"].as_array().push_back(json::object{{"type", "RLIMIT_NOPE"}, {"hard", 1}, {"soft", 1}});
             b.save();
         },
         "process.rlimits", "", {}},
        {"invalid device type",
         [](it::Bundle& b) {
             linux_of(b)["devices"] = json::array{json::object{{"path", "/dev/rb"}, {"type", "x"}, {"major", 1}, {"minor", 3}}};
             b.save();
         },
         "linux.devices[0].type", "", {}},
        {"id mappings without a user namespace",
         [](it::Bundle& b) {
             linux_of(b)["uidMappings"] = json::array{json::object{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
             b.save();
         },
         // runc 1.1 ignores such maps; newer runc refuses them with these words.
         "linux.uidMappings: user namespace mappings specified, but user namespace isn't enabled", "", {}},
        {"overlapping uid ranges (the kernel would refuse the uid_map write after clone)",
         [](it::Bundle& b) {
             add_user_namespace(b);
             linux_of(b)["uidMappings"] = json::array{
                 json::object{{"containerID", 0}, {"hostID", 200000}, {"size", 10}},
                 json::object{{"containerID", 10}, {"hostID", 200005}, {"size", 10}}};
             b.save();
         },
         "linux.uidMappings[1]: host ids overlap those of linux.uidMappings[0]", "", {}},
        {"unknown personality domain",
         [](it::Bundle& b) {
             linux_of(b)["personality"] = json::object{{"domain", "BOGUS"}};
             b.save();
         },
         "linux.personality.domain", "", {}},
        {"cgroup resource the driver refuses (unified on v1)",
         [](it::Bundle& b) {
             linux_of(b)["resources"].as_object()["unified"] = json::object{{"pids.max", "10"}};
             b.save();
         },
         "linux.resources.unified", "", {}},
        {"pid file in a missing directory", [](it::Bundle&) {}, "--pid-file /nonexistent/rollback/pid",
         "", {"--pid-file", "/nonexistent/rollback/pid"}},
        {"console socket that is not a socket",
         [](it::Bundle& b) { b.set_terminal(true); },
         "--console-socket", "connect", {"--console-socket", "/proc/self/status"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        if (c.error == "linux.resources.unified" && !v1_driver_built()) continue;  // no driver: nothing refuses it
        it::Bundle bundle;
        bundle.set_args({"sh", "-c", "exit 0"});
        c.spoil(bundle);
        it::Runner ocirun = it::Runner::ocirun();
        const auto id = it::unique_id("rb-pre");
        Attempt a = attempt(ocirun, bundle, id, "create", c.flags);
        expect_failed_cleanly(a, ocirun, id, bundle, c.error);
        if (!c.runc_error.empty() && it::runc_available()) {
            it::Runner runc = it::Runner::runc();
            const auto runc_id = it::unique_id("rb-pre-runc");
            std::vector<std::string> args{"create", "--bundle", bundle.path().string()};
            args.insert(args.end(), c.flags.begin(), c.flags.end());
            args.push_back(runc_id);
            auto r = runc(args);
            EXPECT_NE(r.exit_code, 0) << "runc accepted it: " << r.describe();
            EXPECT_TRUE(contains(r.err, c.runc_error)) << "runc: " << r.describe();
            EXPECT_TRUE(contains(a.result.err, c.runc_error)) << "ocirun lost runc's words: " << a.result.describe();
        }
    }
}

// ------------------------------------------------------------------ state dir
TEST(Rollback, FailsAtStateDirWhenRootIsAFile) {
    it::Bundle bundle;
    it::TempDir tmp("ocirun-it-rb-root");
    const fs::path root_file = tmp.path() / "root-is-a-file";
    std::ofstream(root_file) << "not a directory\n";
    const auto id = it::unique_id("rb-statedir");
    const HostSnapshot before = snapshot(bundle, id);
    for (const std::string cmd : {"create", "run"}) {
        auto r = it::run_command({OCIRUN_TEST_BINARY, "--root", root_file.string(), cmd, "--bundle",
                                  bundle.path().string(), id},
                                 {.env = {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR}}});
        EXPECT_NE(r.exit_code, 0) << cmd << ": " << r.describe();
        EXPECT_TRUE(contains(r.err, root_file.string())) << cmd << ": " << r.describe();
        EXPECT_EQ(read_text(root_file), "not a directory\n");
    }
    it::Runner ocirun = it::Runner::ocirun();  // only for leftovers(): nothing may exist anywhere
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    EXPECT_EQ(snapshot(bundle, id), before);
}

// ------------------------------------------------------------------ cgroup
TEST(Rollback, FailsAtCgroupWhenThePathCannotBeCreated) {
    if (!v1_controller("cpuset")) GTEST_SKIP() << "needs the cgroup-v1 cpuset controller at /sys/fs/cgroup/cpuset";
    if (!v1_driver_built()) GTEST_SKIP() << "the cgroups-v1 driver plugin is not built in " << OCIRUN_TEST_PLUGIN_DIR;
    it::Bundle bundle;
    it::Runner ocirun = it::Runner::ocirun();
    for (const std::string cmd : {"create", "run"}) {
        SCOPED_TRACE(cmd);
        const auto id = it::unique_id("rb-cgpath");
        // cpuset.cpus is a file in the cpuset hierarchy only: the hierarchies made before it
        // (blkio, cpu...) get a directory, then cpuset fails; those must all be removed.
        linux_of(bundle)["cgroupsPath"] = "/cpuset.cpus/" + id;
        bundle.save();
        Attempt a = attempt(ocirun, bundle, id, cmd);
        expect_failed_cleanly(a, ocirun, id, bundle, R"(linux.cgroupsPath \"/cpuset.cpus/)");
        EXPECT_FALSE(fs::exists("/sys/fs/cgroup/blkio/cpuset.cpus")) << "parent made for the container was left";
    }
}

TEST(Rollback, FailsAtCgroupWhenTheKernelRefusesAResource) {
    if (!v1_controller("cpuset")) GTEST_SKIP() << "needs the cgroup-v1 cpuset controller at /sys/fs/cgroup/cpuset";
    if (!v1_driver_built()) GTEST_SKIP() << "the cgroups-v1 driver plugin is not built in " << OCIRUN_TEST_PLUGIN_DIR;
    it::Bundle bundle;
    it::Runner ocirun = it::Runner::ocirun();
    for (const std::string cmd : {"create", "run"}) {
        SCOPED_TRACE(cmd);
        const auto id = it::unique_id("rb-cgres");
        linux_of(bundle)["cgroupsPath"] = "/ocirun-it-rollback/" + id;
        linux_of(bundle)["resources"].as_object()["cpu"] = json::object{{"cpus", "1000-1001"}};
        bundle.save();
        Attempt a = attempt(ocirun, bundle, id, cmd);
        expect_failed_cleanly(a, ocirun, id, bundle, "linux.resources.cpu");
        EXPECT_FALSE(fs::exists("/sys/fs/cgroup/cpuset/ocirun-it-rollback")) << "parent made for the container was left";
    }
}

// ------------------------------------------------------------------ clone
// clone() fails with EAGAIN when ocirun runs in a pids cgroup that is full.
TEST(Rollback, FailsAtCloneWhenThePidsCgroupIsFull) {
    if (!v1_controller("pids")) GTEST_SKIP() << "needs the cgroup-v1 pids controller at /sys/fs/cgroup/pids";
    it::Bundle bundle;
    it::Runner ocirun = it::Runner::ocirun();
    const auto id = it::unique_id("rb-clone");
    const fs::path jail = "/sys/fs/cgroup/pids/ocirun-it-" + id;
    fs::create_directory(jail);
    struct RemoveJail {
        fs::path p;
        ~RemoveJail() { ::rmdir(p.c_str()); }
    } remove_jail{jail};
    std::ofstream(jail / "pids.max") << "1\n";
    const HostSnapshot before = snapshot(bundle, id);
    // The shell moves itself into the full cgroup and becomes ocirun: its only allowed task.
    const std::string script = "echo $$ > " + (jail / "cgroup.procs").string() + " && exec \"$@\"";
    auto r = it::run_command({"sh", "-c", script, "sh", OCIRUN_TEST_BINARY, "--root", ocirun.root().string(), "create",
                              "--bundle", bundle.path().string(), id},
                             {.env = {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR},
                                      // LeakSanitizer's exit check needs a thread, which the cgroup refuses.
                                      {"ASAN_OPTIONS", "detect_leaks=0"}}});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, "clone the container init")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    EXPECT_EQ(snapshot(bundle, id), before);
    EXPECT_EQ(read_text(jail / "cgroup.procs"), "") << "a process stayed in the full cgroup";
}

// ------------------------------------------------------------------ each step of the init
TEST(Rollback, FailsAtMountWhenTheSourceDoesNotExist) {
    it::Bundle bundle;
    add_mount(bundle, "/mnt", "bind", "/nonexistent/rollback-source", {"rbind"});
    expect_create_and_run_fail_cleanly(bundle, "rb-mntsrc", "mounts[");
}

TEST(Rollback, FailsAtMountWhenTheDestinationCannotBeCreated) {
    it::Bundle bundle;
    it::TempDir src("ocirun-it-rb-src");
    // /bin/busybox is a file: no directory can be made under it.
    add_mount(bundle, "/bin/busybox/sub", "bind", src.path().string(), {"rbind"});
    expect_create_and_run_fail_cleanly(bundle, "rb-mntdst", "/bin/busybox/sub");
}

TEST(Rollback, FailsAtDeviceWhenMknodFails) {
    it::Bundle bundle;
    // /dev/pts is the container's devpts: the kernel refuses mknod there (a fifo has no host
    // node to bind-mount instead, so the mknod error is final).
    linux_of(bundle)["devices"] = json::array{json::object{{"path", "/dev/pts/rollback"}, {"type", "p"}}};
    bundle.save();
    expect_create_and_run_fail_cleanly(bundle, "rb-mknod", "linux.devices[0] (/dev/pts/rollback): mknod");
}

TEST(Rollback, FailsAtSysctlWhenTheKernelRefusesTheValue) {
    it::Bundle bundle;
    linux_of(bundle)["sysctl"] = json::object{{"net.ipv4.ip_forward", "not-a-number"}};
    bundle.save();
    expect_create_and_run_fail_cleanly(bundle, "rb-sysctl", R"(linux.sysctl[\"net.ipv4.ip_forward\"])");
}

// pivot_root refuses to run when the mount holding the caller's root has a shared parent. ocirun
// runs here in a private mount namespace, chrooted into an rbind of / inside a shared tmpfs, so
// every path looks the same but pivot_root fails with EINVAL (runc fails the same way).
TEST(Rollback, FailsAtPivotRootWhenTheCallersRootHasASharedParent) {
    if (it::run_command({"unshare", "--version"}).exit_code != 0) GTEST_SKIP() << "unshare (util-linux) is not installed";
    it::Bundle bundle;
    it::Runner ocirun = it::Runner::ocirun();
    it::TempDir top("ocirun-it-rb-pivot");
    const std::string script =
        "set -e; top=\"$1\"; shift; mount -t tmpfs tmpfs \"$top\"; mount --make-shared \"$top\"; "
        "mkdir \"$top/sub\"; mount --rbind / \"$top/sub\"; exec chroot \"$top/sub\" \"$@\"";
    for (const std::string cmd : {"create", "run"}) {
        SCOPED_TRACE(cmd);
        const auto id = it::unique_id("rb-pivot");
        const HostSnapshot before = snapshot(bundle, id);
        auto r = it::run_command({"unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                                  top.path().string(), OCIRUN_TEST_BINARY, "--root", ocirun.root().string(), cmd,
                                  "--bundle", bundle.path().string(), id},
                                 {.env = {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR}}});
        EXPECT_NE(r.exit_code, 0) << r.describe();
        EXPECT_TRUE(contains(r.err, "pivot_root")) << r.describe();
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << r.describe();
        EXPECT_EQ(snapshot(bundle, id), before);
    }
}

TEST(Rollback, FailsAtCwdWhenItCannotBeCreated) {
    it::Bundle bundle;
    bundle.set_cwd("/bin/busybox/work");
    expect_create_and_run_fail_cleanly(bundle, "rb-cwd", "process.cwd");
}

TEST(Rollback, FailsAtSetuidWhenTheUserIsNotMapped) {
    it::Bundle bundle;
    add_user_namespace(bundle);
    bundle.set_user(70000, 0);  // outside the 65536 mapped ids
    expect_create_and_run_fail_cleanly(bundle, "rb-setuid", "process.user");
}

TEST(Rollback, FailsAtSetgroupsWhenAGroupIsNotMapped) {
    it::Bundle bundle;
    add_user_namespace(bundle);
    process_of(bundle)["user"].as_object()["additionalGids"] = json::array{70000};
    bundle.save();
    expect_create_and_run_fail_cleanly(bundle, "rb-setgroups", "process.user");
}

// The kernel caps the instructions of all filters a process runs under at 32768 (with 4 extra
// per filter). Running ocirun under allow-everything filters that use all of it leaves no room:
// the container's own filter, however small, fails to load in the init (ENOMEM).
TEST(Rollback, FailsAtSeccompLoadWhenTheFilterChainIsFull) {
    it::Bundle bundle;
    linux_of(bundle)["seccomp"] = json::object{
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", json::array{json::object{{"names", json::array{"kexec_load"}}, {"action", "SCMP_ACT_ERRNO"}}}}};
    bundle.save();
    it::Runner ocirun = it::Runner::ocirun();
    it::TempDir tmp("ocirun-it-rb-seccomp");
    const fs::path err_file = tmp.path() / "stderr";
    for (const std::string cmd : {"create", "run"}) {
        SCOPED_TRACE(cmd);
        const auto id = it::unique_id("rb-seccomp");
        const HostSnapshot before = snapshot(bundle, id);
        const std::vector<std::string> argv{OCIRUN_TEST_BINARY, "--root", ocirun.root().string(), cmd,
                                            "--bundle", bundle.path().string(), id};
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            // Fill the path: large filters while they fit, then ever smaller ones, until not
            // even a one-instruction filter is accepted (the kernel's accounting of a filter's
            // length is its internal form, so the count is found, not computed).
            int installed = 0;
            for (unsigned short size : {4092, 1024, 256, 64, 16, 4, 1}) {
                std::vector<sock_filter> insns(size, sock_filter BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0));
                insns.back() = sock_filter BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
                sock_fprog prog{size, insns.data()};
                while (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) ++installed;
                if (errno != ENOMEM) ::_exit(201);
            }
            if (installed == 0) ::_exit(200);
            const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            ::dup2(fd, 2);
            ::setenv("OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR, 1);
            ::alarm(60);  // survives exec: a hung ocirun is killed
            std::vector<char*> cargv;
            for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
            cargv.push_back(nullptr);
            ::execv(cargv[0], cargv.data());
            ::_exit(127);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
        ASSERT_LT(WEXITSTATUS(status), 200) << "the test could not install its filters";
        const std::string err = read_text(err_file);
        EXPECT_NE(WEXITSTATUS(status), 0) << err;
        EXPECT_TRUE(contains(err, "linux.seccomp")) << err;
        EXPECT_TRUE(contains(err, "allocate memory")) << err;  // ENOMEM
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << err;
        EXPECT_EQ(snapshot(bundle, id), before);
    }
}

TEST(Rollback, FailsAtExecLookupWhenTheExecutableIsMissing) {
    it::Bundle bundle;
    bundle.set_args({"/no/such/program"});
    expect_create_and_run_fail_cleanly(bundle, "rb-exec", "/no/such/program");
}

// ------------------------------------------------------------------ after the init exists
TEST(Rollback, FailsAtPidFileWhenItCannotBeWritten) {
    it::Bundle bundle;
    // /proc exists (so the early check passes) but nothing can be created in it.
    expect_create_and_run_fail_cleanly(bundle, "rb-pidfile", "/proc/rollback.pid", {"--pid-file", "/proc/rollback.pid"});
}

// run: create succeeds, then start fails (a poststart hook exits 1, which fails runc's start
// too) after process.args runs. run must then stop and delete the container, as runc does.
TEST(Rollback, RunRemovesTheContainerWhenStartFails) {
    it::Bundle bundle;
    bundle.set_args({"sleep", "100"});
    bundle.config()["hooks"] = json::object{{"poststart", json::array{json::object{{"path", "/bin/false"}}}}};
    bundle.save();
    it::Runner ocirun = it::Runner::ocirun();
    const auto id = it::unique_id("rb-start");
    Attempt a = attempt(ocirun, bundle, id, "run");
    expect_failed_cleanly(a, ocirun, id, bundle, "error running hook #0");
}

// run needs no exec fifo: the init waits for the runtime's kStart on the sync socket it already
// has. So a profile that refuses every open (loaded before create returns, noNewPrivileges)
// still runs a program that opens nothing. runc 1.1 fails here: its init opens the fifo after
// the filter is in place (docs/cli.md lists the difference); create + start still fails the same way.
TEST(Rollback, RunNeedsNoOpenAfterTheFilterButStartDoes) {
    it::Bundle bundle;
    process_of(bundle)["noNewPrivileges"] = true;
    linux_of(bundle)["seccomp"] = json::object{
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", json::array{json::object{{"names", json::array{"open", "openat", "openat2"}},
                                              {"action", "SCMP_ACT_ERRNO"}}}}};
    bundle.save();
    it::Runner ocirun = it::Runner::ocirun();
    const auto id = it::unique_id("rb-nofifo");
    auto r = ocirun({"run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);

    const auto split_id = it::unique_id("rb-fifo");
    r = ocirun({"create", "--bundle", bundle.path().string(), split_id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = ocirun({"start", split_id});
    EXPECT_NE(r.exit_code, 0) << "the init cannot open the exec fifo: " << r.describe();
    ocirun({"delete", "--force", split_id});
    EXPECT_EQ(it::leftovers(ocirun, split_id, bundle), kNothing);
}
