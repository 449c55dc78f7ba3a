// Hostile bundles: config.json paths and rootfs symlinks that try to make the runtime write,
// mount or create device nodes on the host. Each test asserts that the host is untouched (no
// file, no mount, no changed content) and, where runc runs the same bundle, that ocirun refuses
// what runc refuses with runc's words.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;

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
