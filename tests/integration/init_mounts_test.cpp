// The container's filesystem as the init builds it: read-only root, /dev (default nodes,
// symlinks, devpts, linux.devices), masked and read-only paths, bind mounts, the cgroup mount,
// mount errors naming the mount, and a hostile rootfs whose symlinks and ".." try to send
// mounts onto the host. Real containers through the `ocirun` binary.
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

const std::vector<std::string> kNothing;

it::CommandResult run_script(it::Bundle& bundle, const std::string& script, const std::string& prefix) {
    it::Runner ocirun = it::Runner::ocirun();
    bundle.set_args({"sh", "-c", script});
    const auto id = it::unique_id(prefix);
    auto r = ocirun({"run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << script;
    return r;
}

json::array& mounts_of(it::Bundle& bundle) { return bundle.config().at("mounts").as_array(); }
json::object& linux_of(it::Bundle& bundle) { return bundle.config().at("linux").as_object(); }

void add_mount(it::Bundle& bundle, const std::string& dest, const std::string& type,
               const std::string& source, const std::vector<std::string>& options = {}) {
    json::array opts;
    for (const auto& o : options) opts.emplace_back(o);
    mounts_of(bundle).push_back(
        json::object{{"destination", dest}, {"type", type}, {"source", source}, {"options", opts}});
    bundle.save();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(InitMounts, ReadonlyRoot) {
    it::Bundle bundle;
    bundle.set_readonly(true);
    auto r = run_script(bundle, "touch /x 2>/dev/null && echo writable || echo readonly; touch /tmp/y 2>&1 >/dev/null | grep -c Read-only",
                        "inm-ro");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "readonly\n1\n");
    EXPECT_FALSE(fs::exists(bundle.rootfs() / "x"));
}

TEST(InitMounts, DevHasDefaultNodesAndSymlinks) {
    it::Bundle bundle;
    auto r = run_script(bundle,
                        "for d in null zero full random urandom tty; do test -c /dev/$d && echo $d; done; "
                        "for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; "
                        "test -c /dev/pts/ptmx && echo pts; "
                        "grep -c ' /dev/pts .* devpts ' /proc/self/mountinfo; "
                        "echo x > /dev/null && head -c 4 /dev/zero | wc -c",
                        "inm-dev");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out,
              "null\nzero\nfull\nrandom\nurandom\ntty\n"
              "pts/ptmx\n/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\n"
              "pts\n1\n4\n");
}

TEST(InitMounts, LinuxDevicesAreCreatedWithModeAndOwner) {
    it::Bundle bundle;
    linux_of(bundle)["devices"] = json::array{json::object{
        {"path", "/dev/sub/mynull"}, {"type", "c"}, {"major", 1}, {"minor", 3},
        {"fileMode", 0640}, {"uid", 7}, {"gid", 8}}};
    bundle.save();
    auto r = run_script(bundle, "stat -c '%F %t:%T %a %u:%g' /dev/sub/mynull", "inm-devs");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "character special file 1:3 640 7:8\n");
}

TEST(InitMounts, MaskedPathsAreHidden) {
    it::Bundle bundle;
    fs::create_directories(bundle.rootfs() / "etc/secretdir");
    std::ofstream(bundle.rootfs() / "etc/secret") << "top secret\n";
    std::ofstream(bundle.rootfs() / "etc/secretdir/key") << "key\n";
    auto& masked = linux_of(bundle)["maskedPaths"].as_array();
    masked.emplace_back("/etc/secret");
    masked.emplace_back("/etc/secretdir");
    masked.emplace_back("/does/not/exist");
    bundle.save();
    auto r = run_script(bundle,
                        "wc -c < /etc/secret; ls /etc/secretdir | wc -l; "
                        "touch /etc/secretdir/new 2>/dev/null || echo ro; "
                        "test -e /proc/kcore && wc -c < /proc/kcore || echo 0; "
                        "wc -c < /proc/timer_list",
                        "inm-mask");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\n0\nro\n0\n0\n");
}

TEST(InitMounts, ReadonlyPathsAreReadOnly) {
    it::Bundle bundle;
    auto r = run_script(bundle,
                        "echo 1 2>&1 > /proc/sys/kernel/ns_last_pid | grep -c Read-only; "
                        "grep ' /proc/sys ' /proc/self/mountinfo | grep -c ' ro,'",
                        "inm-ropath");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "1\n1\n");
}

TEST(InitMounts, BindMountsReadOnlyAndReadWrite) {
    it::TempDir rw("ocirun-it-rw"), ro("ocirun-it-ro");
    std::ofstream(ro.path() / "file") << "data\n";
    it::Bundle bundle;
    bundle.add_bind_mount(rw.path(), "/rw");
    bundle.add_bind_mount(ro.path(), "/ro", true);
    auto r = run_script(bundle,
                        "echo hi > /rw/out && echo wrote; cat /ro/file; "
                        "touch /ro/new 2>/dev/null || echo refused",
                        "inm-bind");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "wrote\ndata\nrefused\n");
    EXPECT_TRUE(fs::exists(rw.path() / "out"));
    EXPECT_FALSE(fs::exists(ro.path() / "new"));
}

TEST(InitMounts, CgroupMountShowsTheContainersOwnCgroups) {
    it::Bundle bundle;  // `ocirun spec` mounts type cgroup at /sys/fs/cgroup, read-only
    auto r = run_script(bundle,
                        "test -d /sys/fs/cgroup/memory && echo memory; "
                        "grep -qx 1 /sys/fs/cgroup/memory/cgroup.procs && echo own; "
                        "mkdir /sys/fs/cgroup/memory/x 2>/dev/null || echo ro",
                        "inm-cg");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "memory\nown\nro\n");
}

TEST(InitMounts, MountErrorNamesTheMount) {
    it::Bundle bundle;
    add_mount(bundle, "/bogus", "bogusfs", "none");
    const auto index = mounts_of(bundle).size() - 1;
    auto r = run_script(bundle, "true", "inm-err");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, "mounts[" + std::to_string(index) + "] (/bogus): mount bogusfs: No such device"))
        << r.describe();
}

TEST(InitMounts, HostileRootfsCannotRedirectMountsToTheHost) {
    it::Bundle bundle;
    const std::string tag = it::unique_id("escape");
    // rootfs/evil -> /etc (absolute), rootfs/up -> ../../../../../../tmp (relative, climbing).
    fs::create_symlink("/etc", bundle.rootfs() / "evil");
    fs::create_symlink("../../../../../../tmp", bundle.rootfs() / "up");
    add_mount(bundle, "/evil/" + tag, "tmpfs", "tmpfs");
    add_mount(bundle, "/up/" + tag, "tmpfs", "tmpfs");
    add_mount(bundle, "/../../../../etc/" + tag + "-dots", "tmpfs", "tmpfs");
    auto r = run_script(bundle,
                        "grep -c ' /etc/" + tag + " .* tmpfs ' /proc/self/mountinfo; "
                        "grep -c ' /tmp/" + tag + " .* tmpfs ' /proc/self/mountinfo; "
                        "grep -c ' /etc/" + tag + "-dots .* tmpfs ' /proc/self/mountinfo",
                        "inm-evil");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "1\n1\n1\n");
    // Everything landed inside the rootfs; the host's /etc and /tmp are untouched.
    EXPECT_FALSE(fs::exists("/etc/" + tag));
    EXPECT_FALSE(fs::exists("/etc/" + tag + "-dots"));
    EXPECT_FALSE(fs::exists("/tmp/" + tag));
    EXPECT_TRUE(fs::is_directory(bundle.rootfs() / "etc" / tag));
    EXPECT_TRUE(fs::is_directory(bundle.rootfs() / "tmp" / tag));
}
