// Hostile bundles: config.json paths and rootfs symlinks that try to make the runtime write,
// mount or create device nodes on the host. Each test asserts that the host is untouched (no
// file, no mount, no changed content) and, where runc runs the same bundle, that ocirun refuses
// what runc refuses with runc's words.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using it::read_file;

const std::vector<std::string> kNothing;

it::CommandResult run_in(const it::Runner& runner, it::Bundle& bundle, const std::string& script,
                         const std::string& prefix) {
    bundle.set_args({"sh", "-c", script});
    const auto id = it::unique_id(prefix);
    auto r = runner({"run", "--bundle", bundle.path().string(), id});
    if (runner.name() != "ocirun") runner({"delete", "--force", id});
    EXPECT_EQ(it::leftovers(runner, id, bundle), kNothing) << runner.name() << ": " << script;
    return r;
}

it::CommandResult run_script(it::Bundle& bundle, const std::string& script, const std::string& prefix) {
    it::Runner ocirun = it::Runner::ocirun();
    return run_in(ocirun, bundle, script, prefix);
}

json::object& linux_of(it::Bundle& bundle) { return bundle.config().at("linux").as_object(); }

void add_mount(it::Bundle& bundle, const std::string& dest, const std::string& type, const std::string& source,
               const std::vector<std::string>& options = {}) {
    json::array opts;
    for (const auto& o : options) opts.emplace_back(o);
    bundle.config().at("mounts").as_array().push_back(
        json::object{{"destination", dest}, {"type", type}, {"source", source}, {"options", opts}});
    bundle.save();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Host mount points whose path contains `tag` (none may ever appear).
std::vector<std::string> host_mounts_with(const std::string& tag) {
    std::vector<std::string> found;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line))
        if (contains(line, tag)) found.push_back(line);
    return found;
}

// A file on the host that a hostile bundle aims at; checked unchanged at the end.
class HostTarget {
public:
    explicit HostTarget(const std::string& tag) : dir_("ocirun-it-target") {
        file_ = dir_.path() / (tag + ".txt");
        std::ofstream(file_) << "host content\n";
    }
    const fs::path& dir() const { return dir_.path(); }
    const fs::path& file() const { return file_; }
    void expect_untouched() const {
        EXPECT_EQ(read_file(file_), "host content\n") << file_;
        std::vector<std::string> entries;
        for (const auto& e : fs::directory_iterator(dir_.path())) entries.push_back(e.path().filename().string());
        EXPECT_EQ(entries, std::vector<std::string>{file_.filename().string()}) << "something was created in " << dir_.path();
        EXPECT_EQ(host_mounts_with(dir_.path().filename().string()), kNothing);
    }

private:
    it::TempDir dir_;
    fs::path file_;
};

}  // namespace

TEST(HostileBundle, DotDotAndAbsoluteSymlinkDestinationsStayInTheRootfs) {
    HostTarget target("dest");
    const std::string tag = it::unique_id("hb");
    it::Bundle bundle;
    // rootfs/hostroot -> "/" and rootfs/hostdir -> the target dir (absolute: must resolve inside).
    fs::create_symlink("/", bundle.rootfs() / "hostroot");
    fs::create_symlink(target.dir(), bundle.rootfs() / "hostdir");
    fs::create_symlink("../../../../../../../../" + target.dir().relative_path().string(), bundle.rootfs() / "climb");
    add_mount(bundle, "/hostroot" + target.dir().string() + "/" + tag + "-a", "tmpfs", "tmpfs");
    add_mount(bundle, "/hostdir/" + tag + "-b", "tmpfs", "tmpfs");
    add_mount(bundle, "/climb/" + tag + "-c", "tmpfs", "tmpfs");
    it::TempDir payload("ocirun-it-payload");
    std::ofstream(payload.path() / "payload") << "payload\n";
    add_mount(bundle, "/../../../.." + target.dir().string() + "/" + tag + "-d", "bind", payload.path().string(),
              {"bind", "ro"});
    // A bind whose destination is a symlink to the host file: it must land on the rootfs' copy.
    fs::create_directories(bundle.rootfs() / target.dir().relative_path());
    fs::create_symlink(target.file(), bundle.rootfs() / "filelink");
    add_mount(bundle, "/filelink", "bind", (payload.path() / "payload").string(), {"bind", "ro"});
    auto r = run_script(bundle, "grep -c '" + tag + "' /proc/self/mountinfo; cat /filelink", "hb-dest");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "4\npayload\n");
    target.expect_untouched();
    const fs::path inside = bundle.rootfs() / target.dir().relative_path();
    for (const char* suffix : {"-a", "-b", "-c", "-d"}) EXPECT_TRUE(fs::is_directory(inside / (tag + suffix))) << suffix;
    EXPECT_TRUE(fs::exists(inside / target.file().filename())) << "the bind's file was made inside the rootfs";
}

TEST(HostileBundle, DevicePathOutsideDevIsCreatedInsideTheRootfsLikeRunc) {
    HostTarget target("dev");
    it::Bundle bundle;
    fs::create_symlink(target.dir(), bundle.rootfs() / "devlink");
    const std::string name = it::unique_id("node");
    linux_of(bundle)["devices"] = json::array{
        json::object{{"path", "/etc/" + name}, {"type", "c"}, {"major", 1}, {"minor", 3}},
        json::object{{"path", "/devlink/" + name}, {"type", "c"}, {"major", 1}, {"minor", 5}},
        json::object{{"path", "/dev/../../../../etc/" + name + "-dots"}, {"type", "c"}, {"major", 1}, {"minor", 3}},
    };
    bundle.save();
    auto r = run_script(bundle, "stat -c '%F %t:%T' /etc/" + name + " /etc/" + name + "-dots", "hb-dev");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "character special file 1:3\ncharacter special file 1:3\n");
    EXPECT_FALSE(fs::exists("/etc/" + name));
    EXPECT_FALSE(fs::exists("/etc/" + name + "-dots"));
    target.expect_untouched();
    if (it::runc_available()) {
        // runc also makes /etc/NAME inside the rootfs rather than refusing it.
        it::Bundle theirs;
        linux_of(theirs)["devices"] = json::array{json::object{{"path", "/etc/" + name}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
        theirs.save();
        it::Runner runc = it::Runner::runc();
        auto t = run_in(runc, theirs, "stat -c '%F %t:%T' /etc/" + name, "hb-dev");
        EXPECT_EQ(t.out, "character special file 1:3\n") << t.describe();
        EXPECT_FALSE(fs::exists("/etc/" + name));
    }
}

TEST(HostileBundle, MountsOverAndInsideProcAreRefusedLikeRunc) {
    HostTarget target("proc");
    struct Case {
        std::string dest;
        bool via_symlink;
        std::string phrase;
    } cases[] = {
        {"/proc", false, "cannot be mounted because it is not of type proc"},
        {"/proc/sys/kernel", false, "cannot be mounted because it is inside /proc"},
        {"/sysctl-link/kernel", true, "cannot be mounted because it is inside /proc"},
    };
    for (const auto& c : cases) {
        it::Bundle bundle;
        if (c.via_symlink) fs::create_symlink("/proc/sys", bundle.rootfs() / "sysctl-link");
        add_mount(bundle, c.dest, "bind", target.dir().string(), {"rbind"});
        auto ours = run_script(bundle, "true", "hb-proc");
        EXPECT_NE(ours.exit_code, 0) << c.dest << ": " << ours.describe();
        EXPECT_TRUE(contains(ours.err, "config.json: mounts[")) << ours.describe();
        EXPECT_TRUE(contains(ours.err, c.phrase)) << c.dest << ": " << ours.describe();
        if (it::runc_available() && !c.via_symlink) {
            it::Runner runc = it::Runner::runc();
            auto theirs = run_in(runc, bundle, "true", "hb-proc");
            EXPECT_TRUE(contains(theirs.err, c.phrase)) << "the oracle changed: " << theirs.describe();
        }
        target.expect_untouched();
    }
    // The one exception runc makes too: a procfs may go over /proc, and lxcfs-style files inside.
    it::Bundle bundle;
    add_mount(bundle, "/proc/uptime", "bind", target.file().string(), {"bind", "ro"});
    auto r = run_script(bundle, "cat /proc/uptime", "hb-proc");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "host content\n");
    target.expect_untouched();
}

TEST(HostileBundle, MaskedAndReadonlyPathsThroughSymlinksStayInside) {
    HostTarget target("mask");
    it::Bundle bundle;
    // Absolute symlinks to the host target: resolved inside the rootfs they name nothing there.
    fs::create_symlink(target.file(), bundle.rootfs() / "mask-me");
    fs::create_symlink(target.dir(), bundle.rootfs() / "ro-me");
    // One that resolves to a real rootfs directory: masked inside only.
    fs::create_directories(bundle.rootfs() / "secret");
    std::ofstream(bundle.rootfs() / "secret/key") << "k\n";
    fs::create_symlink("/../../../../secret", bundle.rootfs() / "secret-link");
    fs::create_directories(bundle.rootfs() / "tmp");
    auto& masked = linux_of(bundle)["maskedPaths"].as_array();
    masked.emplace_back("/mask-me");
    masked.emplace_back("/secret-link");
    masked.emplace_back("/../../../../" + target.file().relative_path().string());
    auto& ro = linux_of(bundle)["readonlyPaths"].as_array();
    ro.emplace_back("/ro-me");
    ro.emplace_back("/../../../../tmp");
    bundle.save();
    auto r = run_script(bundle, "ls /secret | wc -l; touch /tmp/w 2>/dev/null || echo tmp-ro", "hb-mask");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\ntmp-ro\n");
    target.expect_untouched();
    // The host's /tmp stayed writable and the rootfs' secret is intact on disk.
    const fs::path probe = target.dir() / "probe";
    std::ofstream(probe) << "w";
    EXPECT_TRUE(fs::exists(probe));
    fs::remove(probe);
    EXPECT_EQ(read_file(bundle.rootfs() / "secret/key"), "k\n");
}

// ---- issue #16: more path fields, /proc replaced, races, /proc/self/exe --------------------

namespace {

// Removes the default /dev tmpfs mount: the rootfs' own /dev entries are then what the runtime
// meets (the CVE-2025-31133 family plants symlinks there).
void drop_mount(it::Bundle& bundle, const std::string& destination) {
    auto& mounts = bundle.config().at("mounts").as_array();
    for (auto it = mounts.begin(); it != mounts.end();) {
        if (it->at("destination").as_string() == destination) it = mounts.erase(it);
        else ++it;
    }
    bundle.save();
}

std::string sha_of(const fs::path& file) {
    auto r = it::run_command({"sha256sum", file.string()});
    return r.out.substr(0, 64);
}

}  // namespace

TEST(HostileBundle, CwdThroughSymlinkOrDotDotStaysInTheRootfs) {
    HostTarget target("cwd");
    for (const std::string kind : {"symlink", "dotdot"}) {
        it::Bundle bundle;
        std::string cwd;
        if (kind == "symlink") {
            fs::create_symlink(target.dir(), bundle.rootfs() / "cwdlink");
            cwd = "/cwdlink";
        } else {
            cwd = "/../../../../.." + target.dir().string();
        }
        bundle.set_readonly(false);
        bundle.set_cwd(cwd);
        auto r = run_script(bundle, "touch written-here; ls | grep -c txt || true", "hb-cwd");
        // runc resolves cwd inside the rootfs too (creating it there when missing): same outcome.
        ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.describe();
        EXPECT_EQ(r.out, "0\n") << kind << ": the process saw the host dir's file";
        target.expect_untouched();
        if (it::runc_available()) {
            it::Runner runc = it::Runner::runc();
            auto t = run_in(runc, bundle, "touch written-here; ls | grep -c txt || true", "hb-cwd");
            EXPECT_EQ(t.exit_code, r.exit_code) << "oracle: " << t.describe();
            target.expect_untouched();
        }
    }
}

TEST(HostileBundle, RootfsProcReplacedBySymlinkDoesNotMountOnTheHost) {
    HostTarget target("procsym");
    it::Bundle bundle;
    fs::remove_all(bundle.rootfs() / "proc");
    fs::create_symlink(target.dir(), bundle.rootfs() / "proc");
    auto r = run_script(bundle, "head -1 /proc/self/status", "hb-procsym");
    // Either refused or procfs mounted inside the rootfs; never on the host target.
    if (r.exit_code == 0) {
        EXPECT_EQ(r.out.rfind("Name:", 0), 0u) << r.describe();
    } else {
        EXPECT_TRUE(contains(r.err, "proc")) << r.describe();
    }
    target.expect_untouched();
    if (it::runc_available()) {
        it::Bundle theirs;
        fs::remove_all(theirs.rootfs() / "proc");
        fs::create_symlink(target.dir(), theirs.rootfs() / "proc");
        it::Runner runc = it::Runner::runc();
        auto t = run_in(runc, theirs, "head -1 /proc/self/status", "hb-procsym");
        std::cout << "runc with /proc a symlink: exit " << t.exit_code << "; ocirun: exit " << r.exit_code << std::endl;
        target.expect_untouched();
    }
}

TEST(HostileBundle, DevNullSymlinkIsNotUsedToMaskPaths) {
    // No /dev tmpfs: the rootfs' dev/null is a symlink to a host file. Masking binds "/dev/null"
    // over masked files; it must never bind (or write) the host file.
    HostTarget target("devnull");
    it::Bundle bundle;
    drop_mount(bundle, "/dev");
    fs::create_directories(bundle.rootfs() / "dev");
    fs::create_symlink(target.file(), bundle.rootfs() / "dev/null");
    fs::create_directories(bundle.rootfs() / "secret");
    std::ofstream(bundle.rootfs() / "secret-file") << "secret\n";
    auto& masked = linux_of(bundle)["maskedPaths"].as_array();
    masked.emplace_back("/secret-file");
    bundle.save();
    auto r = run_script(bundle, "cat /secret-file; echo end", "hb-devnull");
    EXPECT_FALSE(contains(r.out, "host content")) << "the host file was bound inside: " << r.describe();
    EXPECT_FALSE(contains(r.out, "secret\n")) << "the masked file was readable: " << r.describe();
    target.expect_untouched();
}

TEST(HostileBundle, MountTargetSwappedForSymlinkDuringCreateStaysInside) {
    // Another process sharing the rootfs (a second container, here a host thread) swaps the
    // bind mount's target directory for a symlink to a host dir, over and over, while containers
    // are made: every mount must land in the rootfs or fail, never on the host.
    HostTarget target("race");
    it::Bundle bundle;
    fs::create_directories(bundle.rootfs() / "mnt");
    const fs::path dir = bundle.rootfs() / "mnt/t";
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs");
    std::atomic<bool> stop{false};
    std::thread swapper([&] {
        std::error_code ec;
        while (!stop) {
            fs::remove(dir, ec);
            fs::create_directory(dir, ec);
            std::this_thread::sleep_for(std::chrono::microseconds(50));
            fs::remove(dir, ec);
            fs::create_symlink(target.dir(), dir, ec);
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    });
    int ran = 0, refused = 0;
    for (int i = 0; i < 25; ++i) {
        auto r = run_script(bundle, "true", "hb-race");
        (r.exit_code == 0 ? ran : refused)++;
        EXPECT_FALSE(contains(r.err, "AddressSanitizer")) << r.describe();
    }
    stop = true;
    swapper.join();
    std::cout << "mount target race: 25 runs, " << ran << " ran, " << refused << " refused" << std::endl;
    target.expect_untouched();
}

TEST(HostileBundle, ProcSelfExeOverwriteThroughExecLeavesTheRuntimeIntact) {
    // CVE-2019-5736 shape: while `exec` enters the container, the container writes to every
    // /proc/PID/exe it can see (the runtime's, if it ever showed up as a process there).
    it::Runner ocirun = it::Runner::ocirun();
    const fs::path binary = ocirun.binary();
    const std::string before = sha_of(binary);
    it::Bundle bundle;
    bundle.set_readonly(false);
    bundle.set_args({"sh", "-c", "while :; do for e in /proc/[0-9]*/exe; do echo evil > $e 2>/dev/null; done; done"});
    const std::string id = it::unique_id("hb-exe");
    auto c = ocirun({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
    ASSERT_EQ(c.exit_code, 0) << c.describe();
    for (int i = 0; i < 15; ++i) {
        auto e = ocirun({"exec", id, "sh", "-c", "echo evil > /proc/self/exe 2>/dev/null; true"}, {.timeout = 20s});
        EXPECT_EQ(e.exit_code, 0) << e.describe();
    }
    ocirun({"delete", "--force", id});
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    EXPECT_EQ(sha_of(binary), before) << "the runtime binary changed";
    for (const auto& p : fs::directory_iterator(ocirun_test_plugin_dir()))
        EXPECT_NE(it::read_file(p.path()).rfind("evil", 0), 0u) << p.path();
}

TEST(HostileBundle, ConsoleSocketAndListenerPathThroughSymlinksFailCleanly) {
    HostTarget target("sock");
    it::Runner ocirun = it::Runner::ocirun();
    // --console-socket naming a symlink to a regular host file.
    const fs::path link = target.dir().parent_path() / (it::unique_id("sock-link"));
    fs::create_symlink(target.file(), link);
    it::Bundle bundle;
    bundle.set_terminal(true);
    const std::string id = it::unique_id("hb-sock");
    auto r = ocirun({"create", "--console-socket", link.string(), "--bundle", bundle.path().string(), id});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, "console")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    fs::remove(link);
    // linux.seccomp.listenerPath: a relative path climbing out, and a symlink to a host file.
    for (const std::string& listener : {std::string("../../../../") + target.file().relative_path().string(), target.file().string()}) {
        it::Bundle b;
        linux_of(b)["seccomp"] = json::parse(
            R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]})");
        linux_of(b)["seccomp"].as_object()["listenerPath"] = listener;
        b.save();
        const std::string lid = it::unique_id("hb-listener");
        auto l = ocirun({"run", "--detach", "--bundle", b.path().string(), lid}, {.timeout = 20s});
        EXPECT_NE(l.exit_code, 0) << listener << ": " << l.describe();
        EXPECT_TRUE(contains(l.err, "listenerPath") || contains(l.err, "seccomp agent")) << l.describe();
        ocirun({"delete", "--force", lid});
        EXPECT_EQ(it::leftovers(ocirun, lid, b), kNothing);
    }
    target.expect_untouched();
}

TEST(HostileBundle, HookPathsThatAreNotAbsoluteOrClimbAreRefusedOrRunOnTheHostPathOnly) {
    HostTarget target("hook");
    for (const std::string& path : {std::string("true"), std::string("../../../../bin/true"), std::string("")}) {
        it::Bundle bundle;
        bundle.config()["hooks"] = json::object{{"prestart", json::array{json::object{{"path", path}}}}};
        bundle.save();
        it::Runner ocirun = it::Runner::ocirun();
        const std::string id = it::unique_id("hb-hook");
        bundle.set_args({"true"});
        auto r = ocirun({"run", "--bundle", bundle.path().string(), id}, {.timeout = 20s});
        ocirun({"delete", "--force", id});
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
        if (it::runc_available()) {
            it::Runner runc = it::Runner::runc();
            const std::string rid = it::unique_id("hb-hook");
            auto t = runc({"run", "--bundle", bundle.path().string(), rid}, {.timeout = 20s});
            runc({"delete", "--force", rid});
            EXPECT_EQ(r.exit_code == 0, t.exit_code == 0)
                << "hook path \"" << path << "\": ocirun " << r.describe() << "\nrunc " << t.describe();
        }
    }
    target.expect_untouched();
}
