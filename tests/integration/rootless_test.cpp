// Rootless containers (issue #19): a non-root user follows runc's rootless tutorial
// (`spec --rootless`, `--root DIR run ID`) with ocirun, and runc 1.1 run by the same user on the
// same bundle is the oracle (output, exit code, the key phrase of an error).
//
// The fixture makes a real unprivileged user (useradd; removed again at the end of the suite)
// and gives it subordinate id ranges in /etc/subuid and /etc/subgid for the multi-range bundles.
// The runtimes run as that user through setpriv(1): real uid, gid and no supplementary groups,
// exactly what a login shell of that user has (no capabilities).
//
// RootlessV2.* runs in the cgroup-v2 guest of tests/vm (label v2): a cgroup subtree delegated to
// the user (chowned, as systemd's Delegate=yes does) and a memory limit applied rootless.
#include <gtest/gtest.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <fstream>
#include <linux/magic.h>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kUser = "ocirun-rl";
// Subordinate ids given to kUser (far from any real user's range on a test host).
constexpr unsigned kSubStart = 1700000;
constexpr unsigned kSubCount = 65536;

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::trunc);
    out << text;
}

// /etc/subuid-style file without kUser's lines, plus `line` when not empty.
void set_subordinate_line(const fs::path& file, const std::string& line) {
    std::istringstream in(read_text(file));
    std::string kept;
    for (std::string l; std::getline(in, l);)
        if (l.rfind(std::string(kUser) + ":", 0) != 0) kept += l + "\n";
    if (!line.empty()) kept += line + "\n";
    write_text(file, kept);
}

// The unprivileged user of the suite: made once, removed with its subordinate ranges at the end.
struct TestUser {
    uid_t uid = 0;
    gid_t gid = 0;

    static TestUser& get() {
        static TestUser user;
        return user;
    }
    static void create() {
        if (::getpwnam(kUser) == nullptr) {
            auto r = it::run_command({"useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", kUser});
            if (r.exit_code != 0) throw std::runtime_error("useradd " + std::string(kUser) + ": " + r.describe());
        }
        const passwd* pw = ::getpwnam(kUser);
        if (!pw) throw std::runtime_error("user " + std::string(kUser) + " missing after useradd");
        get().uid = pw->pw_uid;
        get().gid = pw->pw_gid;
        const std::string range = std::string(kUser) + ":" + std::to_string(kSubStart) + ":" + std::to_string(kSubCount);
        set_subordinate_line("/etc/subuid", range);
        set_subordinate_line("/etc/subgid", range);
    }
    static void remove() {
        set_subordinate_line("/etc/subuid", "");
        set_subordinate_line("/etc/subgid", "");
        if (::getpwnam(kUser) != nullptr) it::run_command({"userdel", kUser});
    }
};

void chown_to_user(const fs::path& p) {
    if (::chown(p.c_str(), TestUser::get().uid, TestUser::get().gid) != 0)
        throw std::runtime_error("chown " + p.string() + ": " + std::strerror(errno));
}

// One runtime run by the test user, with a private --root it owns (or none: `root` empty).
class UserRuntime {
public:
    UserRuntime(std::string name, fs::path binary, std::map<std::string, std::string> env)
        : name_(std::move(name)), binary_(std::move(binary)), env_(std::move(env)), root_("ocirun-it-rlroot") {
        chown_to_user(root_.path());
    }
    static UserRuntime ocirun() {
        return UserRuntime("ocirun", OCIRUN_TEST_BINARY, {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR}});
    }
    static UserRuntime runc() { return UserRuntime("runc", "/usr/sbin/runc", {}); }
    ~UserRuntime() {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root_.path(), ec))
            if (entry.is_directory() && entry.path().filename().string()[0] != '~')
                (*this)({"delete", "--force", entry.path().filename().string()}, {.timeout = 15s});
    }

    // `BINARY --root ROOT args...` as the test user.
    it::CommandResult operator()(const std::vector<std::string>& args, it::CommandOptions opts = {}) const {
        std::vector<std::string> argv{binary_.string(), "--root", root_.path().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return as_user(argv, std::move(opts));
    }
    // argv as the test user, with this runtime's env.
    it::CommandResult as_user(const std::vector<std::string>& argv, it::CommandOptions opts = {}) const {
        std::vector<std::string> full;
        if (!start_cgroup_.empty())  // moved there by root first, as a login manager would
            full = {"sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", start_cgroup_.string()};
        for (std::string a : {std::string("setpriv"), "--reuid=" + std::to_string(TestUser::get().uid),
                              "--regid=" + std::to_string(TestUser::get().gid), std::string("--clear-groups"),
                              std::string("--")})
            full.push_back(a);
        full.insert(full.end(), argv.begin(), argv.end());
        for (const auto& [k, v] : env_) opts.env.emplace(k, v);
        opts.env.emplace("HOME", "/tmp");
        opts.env.emplace("USER", kUser);
        return it::run_command(full, opts);
    }
    const fs::path& root() const { return root_.path(); }
    const fs::path& binary() const { return binary_; }
    // The cgroup (v2) every command starts in: a leaf of the user's delegated subtree.
    void start_in_cgroup(const fs::path& dir) { start_cgroup_ = dir; }
    const std::string& name() const { return name_; }

private:
    std::string name_;
    fs::path binary_;
    std::map<std::string, std::string> env_;
    it::TempDir root_;
    fs::path start_cgroup_;
};

// A busybox bundle whose config.json is `ocirun spec --rootless` written by the test user.
class RootlessBundle {
public:
    RootlessBundle() {
        chown_to_user(bundle_.path());
        fs::remove(bundle_.config_path());
        auto r = UserRuntime::ocirun().as_user({OCIRUN_TEST_BINARY, "spec", "--rootless"}, {.cwd = bundle_.path()});
        if (r.exit_code != 0) throw std::runtime_error("ocirun spec --rootless as " + std::string(kUser) + ": " + r.describe());
        bundle_.config() = boost::json::parse(read_text(bundle_.config_path())).as_object();
        bundle_.set_terminal(false);
    }
    it::Bundle& operator*() { return bundle_; }
    it::Bundle* operator->() { return &bundle_; }
    boost::json::object& linux_section() { return bundle_.config()["linux"].as_object(); }
    // Maps container 0 to the user and 1..65536 to its subordinate range (newuidmap/newgidmap).
    void use_multi_range(unsigned host_start = kSubStart) {
        for (const char* field : {"uidMappings", "gidMappings"}) {
            const unsigned own = std::string(field) == "uidMappings" ? TestUser::get().uid : TestUser::get().gid;
            linux_section()[field] = boost::json::array{
                boost::json::object{{"containerID", 0}, {"hostID", own}, {"size", 1}},
                boost::json::object{{"containerID", 1}, {"hostID", host_start}, {"size", kSubCount}}};
        }
        bundle_.save();
    }

private:
    it::Bundle bundle_;
};

// The state dir is gone and no process has the bundle's rootfs as its root.
std::vector<std::string> leftovers(const UserRuntime& rt, const std::string& id, it::Bundle& bundle) {
    std::vector<std::string> found;
    if (fs::exists(rt.root() / id)) found.push_back("state dir " + (rt.root() / id).string());
    struct stat rootfs_st{};
    if (::stat(bundle.rootfs().c_str(), &rootfs_st) != 0) return found;
    std::error_code ec;
    for (const auto& proc : fs::directory_iterator("/proc", ec)) {
        struct stat st{};
        if (::stat((proc.path() / "root").c_str(), &st) == 0 && st.st_dev == rootfs_st.st_dev &&
            st.st_ino == rootfs_st.st_ino)
            found.push_back("process " + proc.path().filename().string());
    }
    return found;
}

class Rootless : public ::testing::Test {
protected:
    static void SetUpTestSuite() { TestUser::create(); }
    static void TearDownTestSuite() { TestUser::remove(); }
    void SetUp() override {
        if (!it::runc_available()) GTEST_SKIP() << "runc (the oracle) is not installed";
        if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "setpriv (util-linux) is not installed";
    }
};

const std::string kShowIds = "id; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups";

}  // namespace

// runc's tutorial, step for step: `spec --rootless`, `--root DIR run ID`, single id mapping.
TEST_F(Rootless, RunSingleMappingMatchesRunc) {
    RootlessBundle bundle;
    bundle->set_args({"sh", "-c", kShowIds + "; ls /dev; exit 3"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-single");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_EQ(want.exit_code, 3) << want.describe();
    EXPECT_EQ(got.exit_code, want.exit_code) << got.describe();
    EXPECT_EQ(got.out, want.out) << "runc: " << want.describe() << "\nocirun: " << got.describe();
    EXPECT_NE(got.out.find("uid=0(root) gid=0"), std::string::npos) << got.describe();
    EXPECT_NE(got.out.find("deny"), std::string::npos) << "setgroups must be denied: " << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// Several ranges: the runtime asks newuidmap/newgidmap (setuid, from uidmap) for the maps.
TEST_F(Rootless, RunMultiRangeThroughNewuidmapMatchesRunc) {
    if (::access("/usr/bin/newuidmap", X_OK) != 0) GTEST_SKIP() << "newuidmap (package uidmap) is not installed";
    RootlessBundle bundle;
    bundle.use_multi_range();
    // uid 1000 inside is host uid kSubStart+999 (the process runs as it: mapped, so allowed).
    bundle->set_args({"sh", "-c", kShowIds});
    bundle->set_user(1000, 1000);
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-multi");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_EQ(want.exit_code, 0) << want.describe();
    EXPECT_EQ(got.exit_code, want.exit_code) << got.describe();
    EXPECT_EQ(got.out, want.out) << "runc: " << want.describe() << "\nocirun: " << got.describe();
    EXPECT_NE(got.out.find(std::to_string(kSubStart)), std::string::npos) << got.describe();
    EXPECT_NE(got.out.find("allow"), std::string::npos) << "newgidmap leaves setgroups allowed: " << got.describe();
    EXPECT_NE(got.out.find("uid=1000 gid=1000"), std::string::npos) << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// Host ids the user was not given: refused before anything exists, naming the field.
TEST_F(Rootless, RangeNotInSubuidIsRefusedNamingTheField) {
    RootlessBundle bundle;
    bundle.use_multi_range(kSubStart + kSubCount);  // just past the user's range
    bundle->set_args({"true"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-norange");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_NE(want.exit_code, 0) << want.describe();
    EXPECT_EQ(got.exit_code, 1) << got.describe();
    EXPECT_NE(got.err.find("config.json: linux.uidMappings[1]"), std::string::npos) << got.describe();
    EXPECT_NE(got.err.find("/etc/subuid"), std::string::npos) << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// runc refuses a non-root runtime without a user namespace, with these words.
TEST_F(Rootless, NoUserNamespaceIsRefusedLikeRunc) {
    RootlessBundle bundle;
    bundle->remove_namespace("user");
    bundle.linux_section().erase("uidMappings");
    bundle.linux_section().erase("gidMappings");
    bundle->save();
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-nouserns");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    const std::string phrase = "rootless container requires user namespaces";
    EXPECT_NE(want.err.find(phrase), std::string::npos) << want.describe();
    EXPECT_EQ(got.exit_code, 1) << got.describe();
    EXPECT_NE(got.err.find("config.json: linux.namespaces: " + phrase), std::string::npos) << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// On this v1/hybrid host the user may not create a cgroup: no resources, no cgroup (checked
// above); a memory limit is an error naming the field, with runc's words.
TEST_F(Rootless, LimitWithoutAWritableCgroupIsRefusedLikeRunc) {
    struct statfs fs{};
    if (::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        GTEST_SKIP() << "pure cgroup v2 host: see RootlessV2.* for delegated cgroups";
    RootlessBundle bundle;
    bundle.linux_section()["resources"] = boost::json::object{{"memory", boost::json::object{{"limit", 100 << 20}}}};
    bundle->save();
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-limit");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    const std::string phrase = "cannot set memory limit: container could not join or create cgroup";
    EXPECT_NE(want.err.find(phrase), std::string::npos) << want.describe();
    EXPECT_EQ(got.exit_code, 1) << got.describe();
    EXPECT_NE(got.err.find("config.json: linux.resources.memory: " + phrase), std::string::npos) << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// A cgroupsPath the user cannot create fails in both (runc: "mkdir ...: permission denied").
TEST_F(Rootless, CgroupsPathNotDelegatedFailsLikeRunc) {
    struct statfs fs{};
    if (::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        GTEST_SKIP() << "pure cgroup v2 host: see RootlessV2.* for delegated cgroups";
    RootlessBundle bundle;
    const auto id = it::unique_id("rl-cgpath");
    bundle.linux_section()["cgroupsPath"] = "/" + id;
    bundle->save();
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_NE(want.exit_code, 0) << want.describe();
    EXPECT_NE(want.err.find("permission denied"), std::string::npos) << want.describe();
    EXPECT_EQ(got.exit_code, 1) << got.describe();
    EXPECT_NE(got.err.find("linux.cgroupsPath"), std::string::npos) << got.describe();
    EXPECT_NE(got.err.find("Permission denied"), std::string::npos) << got.describe();
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// run -d, exec, state, list, kill, delete, as runc gives them to the same user.
TEST_F(Rootless, DetachedLifecycleMatchesRunc) {
    RootlessBundle bundle;
    bundle->set_args({"sleep", "1000"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    for (const UserRuntime* rt : {&runc, &ours}) {
        SCOPED_TRACE(rt->name());
        const auto id = it::unique_id("rl-life");
        auto r = (*rt)({"run", "-d", "--bundle", bundle->path().string(), id});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        r = (*rt)({"state", id});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(boost::json::parse(r.out).at("status").as_string(), "running");
        r = (*rt)({"list", "-q"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_NE(r.out.find(id), std::string::npos) << r.describe();
        r = (*rt)({"exec", id, "sh", "-c", "id; echo out; exit 4"});
        EXPECT_EQ(r.exit_code, 4) << r.describe();
        // No supplementary groups: the callers' (none: setpriv --clear-groups) are kept, as runc keeps them.
        EXPECT_EQ(r.out, "uid=0(root) gid=0(root)\nout\n") << r.describe();
        // exec -t: the user's own pty (script(1)) as the caller's terminal.
        const std::string exec_t = rt->binary().string() + " --root " + rt->root().string() + " exec -t " + id +
                                   " sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 5'";
        r = rt->as_user({"script", "-qefc", exec_t, "/dev/null"}, {.env = {{"SHELL", "/bin/sh"}}});
        EXPECT_EQ(r.exit_code, 5) << r.describe();
        EXPECT_NE(r.out.find("tty-ok"), std::string::npos) << r.describe();
        EXPECT_NE(r.out.find("/dev/pts/"), std::string::npos) << r.describe();
        r = (*rt)({"exec", "--user", "1000:1000", id, "id"});  // not mapped: refused by both
        EXPECT_NE(r.exit_code, 0) << r.describe();
        r = (*rt)({"delete", id});
        EXPECT_NE(r.exit_code, 0) << "a running container is not deleted without --force: " << r.describe();
        r = (*rt)({"kill", id, "KILL"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_TRUE(it::eventually([&] {
            auto s = (*rt)({"state", id});
            return s.exit_code == 0 && boost::json::parse(s.out).at("status").as_string() == "stopped";
        }, 10s));
        r = (*rt)({"delete", id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(leftovers(*rt, id, *bundle), std::vector<std::string>{});
    }
}

// create + start, the exec fifo in the user's root; kill with a signal the process handles.
TEST_F(Rootless, CreateStartKillMatchesRunc) {
    RootlessBundle bundle;
    bundle->set_args({"sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    for (const UserRuntime* rt : {&runc, &ours}) {
        SCOPED_TRACE(rt->name());
        const auto id = it::unique_id("rl-create");
        auto r = (*rt)({"create", "--bundle", bundle->path().string(), id});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(boost::json::parse((*rt)({"state", id}).out).at("status").as_string(), "created");
        r = (*rt)({"start", id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(boost::json::parse((*rt)({"state", id}).out).at("status").as_string(), "running");
        r = (*rt)({"kill", id, "TERM"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_TRUE(it::eventually([&] {
            auto s = (*rt)({"state", id});
            return s.exit_code == 0 && boost::json::parse(s.out).at("status").as_string() == "stopped";
        }, 10s));
        EXPECT_EQ((*rt)({"delete", id}).exit_code, 0);
        EXPECT_EQ(leftovers(*rt, id, *bundle), std::vector<std::string>{});
    }
}

// Without a cgroup there is nothing to freeze: both refuse pause with runc's "cgroups not
// configured for container". ps differs on purpose: runc fails ("unable to get all container
// pids"), ocirun lists the init and its descendants (docs/cli.md, rootless section).
TEST_F(Rootless, PsAndPauseWithoutACgroup) {
    struct statfs fs{};
    if (::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        GTEST_SKIP() << "pure cgroup v2 host: see RootlessV2.* for delegated cgroups";
    RootlessBundle bundle;
    bundle->set_args({"sleep", "1000"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    for (const UserRuntime* rt : {&runc, &ours}) {
        SCOPED_TRACE(rt->name());
        const auto id = it::unique_id("rl-ps");
        ASSERT_EQ((*rt)({"run", "-d", "--bundle", bundle->path().string(), id}).exit_code, 0);
        auto ps = (*rt)({"ps", "--format", "json", id});
        if (rt == &runc) {
            EXPECT_EQ(ps.exit_code, 1) << ps.describe();
        } else {
            EXPECT_EQ(ps.exit_code, 0) << ps.describe();
            const long init = boost::json::parse((*rt)({"state", id}).out).at("pid").as_int64();
            EXPECT_EQ(ps.out, "[" + std::to_string(init) + "]\n") << ps.describe();
        }
        auto pause = (*rt)({"pause", id});
        EXPECT_EQ(pause.exit_code, 1) << pause.describe();
        EXPECT_NE(pause.err.find("cgroups not configured for container"), std::string::npos) << pause.describe();
        EXPECT_EQ(boost::json::parse((*rt)({"state", id}).out).at("status").as_string(), "running");
        EXPECT_EQ((*rt)({"delete", "--force", id}).exit_code, 0);
        EXPECT_EQ(leftovers(*rt, id, *bundle), std::vector<std::string>{});
    }
}

// A seccomp profile works rootless; its compiled-filter cache lives under the user's --root.
TEST_F(Rootless, SeccompProfileRunsAndCachesUnderTheUsersRoot) {
    RootlessBundle bundle;
    bundle.linux_section()["seccomp"] = boost::json::object{
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", boost::json::array{boost::json::object{
                         {"names", boost::json::array{"mkdir", "mkdirat"}},
                         {"action", "SCMP_ACT_ERRNO"},
                         {"errnoRet", 1}}}}};
    bundle->set_args({"sh", "-c", "mkdir /tmp/x 2>&1; echo rc=$?"});
    auto runc = UserRuntime::runc();
    auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-seccomp");
    auto want = runc({"run", "--bundle", bundle->path().string(), id});
    auto got = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_EQ(want.exit_code, 0) << want.describe();
    EXPECT_EQ(got.exit_code, want.exit_code) << got.describe();
    EXPECT_EQ(got.out, want.out) << "runc: " << want.describe() << "\nocirun: " << got.describe();
    bool cached = false;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(ours.root(), ec)) {
        struct stat st{};
        if (entry.path().filename().string().find("seccomp") == std::string::npos) continue;
        for (const auto& file : fs::directory_iterator(entry.path(), ec))
            if (::stat(file.path().c_str(), &st) == 0 && st.st_uid == TestUser::get().uid) cached = true;
    }
    EXPECT_TRUE(cached) << "no compiled filter owned by " << kUser << " under " << ours.root();
}

// Without --root: $XDG_RUNTIME_DIR/ocirun (0700 and sticky, as runc makes $XDG_RUNTIME_DIR/runc).
TEST_F(Rootless, DefaultRootIsUnderXdgRuntimeDir) {
    RootlessBundle bundle;
    bundle->set_args({"sleep", "1000"});
    it::TempDir xdg("ocirun-it-xdg");
    chown_to_user(xdg.path());
    const auto ours = UserRuntime::ocirun();
    const auto id = it::unique_id("rl-xdg");
    it::CommandOptions opts;
    opts.env["XDG_RUNTIME_DIR"] = xdg.path().string();
    auto r = ours.as_user({OCIRUN_TEST_BINARY, "run", "-d", "--bundle", bundle->path().string(), id}, opts);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(fs::exists(xdg.path() / "ocirun" / id / "state.json"));
    struct stat st{};
    ASSERT_EQ(::stat((xdg.path() / "ocirun").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 01700u);
    EXPECT_EQ(st.st_uid, TestUser::get().uid);
    r = ours.as_user({OCIRUN_TEST_BINARY, "delete", "--force", id}, opts);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_FALSE(fs::exists(xdg.path() / "ocirun" / id));
}

// ---------------------------------------------------------------- cgroup v2 (tests/vm guest)
namespace {

// The guest gives the tests a cgroup of their own (tests/vm/README.md).
fs::path vm_test_cgroup() {
    const char* dir = std::getenv("OCIRUN_VM_TEST_CGROUP");
    return dir ? fs::path(dir) : fs::path();
}

class RootlessV2 : public Rootless {
protected:
    void SetUp() override {
        struct statfs fs{};
        if (::statfs("/sys/fs/cgroup", &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC)
            GTEST_SKIP() << "needs a pure cgroup v2 host (the tests/vm guest, label v2)";
        if (vm_test_cgroup().empty()) GTEST_SKIP() << "OCIRUN_VM_TEST_CGROUP is not set (tests/vm sets it)";
        Rootless::SetUp();
    }
};

// A child cgroup of the test cgroup handed to the user as systemd's Delegate=yes does: the
// directory and its cgroup.procs and cgroup.threads chowned to it, and a leaf "runtime" the user's
// commands start in (cgroup v2 lets a process move only between cgroups below one whose
// cgroup.procs it may write). `controllers` are enabled for the children by root; with
// `user_may_enable` cgroup.subtree_control is the user's too, else only those are delegated.
class DelegatedCgroup {
public:
    DelegatedCgroup(const std::string& name, const std::string& controllers, bool user_may_enable) {
        const fs::path parent = vm_test_cgroup();
        write_text(parent / "cgroup.subtree_control", controllers);
        path_ = parent / name;
        fs::create_directories(path_ / "runtime");
        write_text(path_ / "cgroup.subtree_control", controllers);
        for (const fs::path& d : {path_, path_ / "runtime"})
            for (const char* f : {"", "cgroup.procs", "cgroup.threads"}) chown_to_user(f[0] ? d / f : d);
        if (user_may_enable) chown_to_user(path_ / "cgroup.subtree_control");
    }
    ~DelegatedCgroup() {
        // Children the runtimes left (a failed test) first, deepest first.
        std::vector<fs::path> dirs;
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(path_, ec); it != fs::recursive_directory_iterator(); ++it)
            if (it->is_directory()) dirs.push_back(it->path());
        for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) ::rmdir(d->c_str());
        ::rmdir(path_.c_str());
    }
    const fs::path& path() const { return path_; }
    fs::path runtime_leaf() const { return path_ / "runtime"; }
    // The cgroupsPath naming a child of the delegated cgroup (absolute, from the v2 root).
    std::string child(const std::string& name) const {
        return "/" + fs::relative(path_ / name, "/sys/fs/cgroup").string();
    }

private:
    fs::path path_;
};

}  // namespace

// linux.resources.memory.limit applied rootless under a delegated subtree; ps and pause work.
TEST_F(RootlessV2, MemoryLimitInADelegatedSubtree) {
    DelegatedCgroup delegated("rootless-user", "+memory +pids", true);
    RootlessBundle bundle;
    const auto id = it::unique_id("rl-v2");
    bundle.linux_section()["cgroupsPath"] = delegated.child(id);
    bundle.linux_section()["resources"] = boost::json::object{{"memory", boost::json::object{{"limit", 64 << 20}}}};
    bundle->set_args({"sleep", "1000"});
    auto ours = UserRuntime::ocirun();
    ours.start_in_cgroup(delegated.runtime_leaf());
    auto r = ours({"run", "-d", "--bundle", bundle->path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(read_text(delegated.path() / id / "memory.max"), std::to_string(64 << 20) + "\n");
    r = ours({"ps", "--format", "json", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    r = ours({"pause", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(boost::json::parse(ours({"state", id}).out).at("status").as_string(), "paused");
    EXPECT_EQ(ours({"resume", id}).exit_code, 0);
    EXPECT_EQ(ours({"delete", "--force", id}).exit_code, 0);
    EXPECT_FALSE(fs::exists(delegated.path() / id));
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}

// A controller the delegation does not enable is refused, naming the field; nothing is left.
TEST_F(RootlessV2, ControllerNotDelegatedIsRefused) {
    DelegatedCgroup delegated("rootless-user", "+memory", false);
    RootlessBundle bundle;
    const auto id = it::unique_id("rl-v2-nopids");
    bundle.linux_section()["cgroupsPath"] = delegated.child(id);
    bundle.linux_section()["resources"] = boost::json::object{{"pids", boost::json::object{{"limit", 10}}}};
    bundle->save();
    auto ours = UserRuntime::ocirun();
    ours.start_in_cgroup(delegated.runtime_leaf());
    auto r = ours({"run", "--bundle", bundle->path().string(), id});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("linux.resources.pids"), std::string::npos) << r.describe();
    EXPECT_FALSE(fs::exists(delegated.path() / id));
    EXPECT_EQ(leftovers(ours, id, *bundle), std::vector<std::string>{});
}
