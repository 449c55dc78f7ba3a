// The host library (core/host, ocirun_host): mountinfo with its escapes and optional fields,
// /proc/<pid>/cgroup, the cgroup mode, --cgroup sub-paths.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <filesystem>

#include "ocirun_host/cgroup_mode.hpp"
#include "ocirun_host/mountinfo.hpp"
#include "ocirun_host/proc.hpp"
#include "ocirun_host/sub_cgroup.hpp"

namespace fs = std::filesystem;
using namespace ocirun::host;

TEST(HostMountinfo, ParsesEveryFieldOfTheManPageExample) {
    const auto m = parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->id, 36);
    EXPECT_EQ(m->parent_id, 35);
    EXPECT_EQ(m->major_minor, "98:0");
    EXPECT_EQ(m->root, "/mnt1");
    EXPECT_EQ(m->mount_point, "/mnt2");
    EXPECT_EQ(m->mount_options, "rw,noatime");
    EXPECT_EQ(m->optional_fields, (std::vector<std::string>{"master:1"}));
    EXPECT_EQ(m->fstype, "ext3");
    EXPECT_EQ(m->source, "/dev/root");
    EXPECT_EQ(m->super_options, "rw,errors=continue");
    EXPECT_FALSE(m->shared());
}

TEST(HostMountinfo, UnescapesSpaceTabNewlineAndBackslashInPaths) {
    const auto m = parse_mountinfo_line(
        R"(40 30 0:50 /a\040b /mnt/with\040space\011tab\012nl\134bs rw - tmpfs my\040src rw)");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->root, "/a b");
    EXPECT_EQ(m->mount_point, "/mnt/with space\ttab\nnl\\bs");
    EXPECT_EQ(m->source, "my src");
}

TEST(HostMountinfo, LeavesABackslashThatIsNotAnOctalEscapeAlone) {
    EXPECT_EQ(unescape_mountinfo(R"(a\b)"), R"(a\b)");
    EXPECT_EQ(unescape_mountinfo(R"(a\09)"), R"(a\09)");  // 9 is not octal
    EXPECT_EQ(unescape_mountinfo(R"(end\04)"), R"(end\04)");  // too short
    EXPECT_EQ(unescape_mountinfo(R"(\040)"), " ");
    EXPECT_EQ(unescape_mountinfo(""), "");
}

TEST(HostMountinfo, OptionalFieldsNoneOrSeveral) {
    const auto none = parse_mountinfo_line("25 1 0:22 / /sys rw - sysfs sysfs rw");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->optional_fields.empty());
    EXPECT_EQ(none->fstype, "sysfs");
    const auto several = parse_mountinfo_line("26 1 0:23 / /x rw shared:7 master:3 propagate_from:2 - tmpfs t rw");
    ASSERT_TRUE(several);
    EXPECT_EQ(several->optional_fields, (std::vector<std::string>{"shared:7", "master:3", "propagate_from:2"}));
    EXPECT_TRUE(several->shared());
    EXPECT_EQ(several->fstype, "tmpfs");
}

TEST(HostMountinfo, OddLinesAreSkipped) {
    EXPECT_FALSE(parse_mountinfo_line(""));
    EXPECT_FALSE(parse_mountinfo_line("garbage"));
    EXPECT_FALSE(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw master:1 ext3 /dev/root rw"));  // no "-"
    EXPECT_FALSE(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw - ext3"));                      // no source
    EXPECT_FALSE(parse_mountinfo_line("x 35 98:0 /mnt1 /mnt2 rw - ext3 src rw"));                // id not a number
    // No super options (never seen from the kernel, but not worth losing the mount over).
    const auto bare = parse_mountinfo_line("36 35 98:0 / /m rw - ext3 src");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->super_options, "");
    const auto all = parse_mountinfo("garbage\n25 1 0:22 / /sys rw - sysfs sysfs rw\n\n26 1 0:23 / /x rw - tmpfs t rw");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].mount_point, "/x");
}

TEST(HostMountinfo, ThisProcessMountsIncludeTheRoot) {
    const auto mounts = read_mountinfo();
    ASSERT_FALSE(mounts.empty());
    const auto root = mount_holding(mounts, "/");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->mount_point, "/");
}

TEST(HostMountinfo, MountHoldingTakesTheLastOfTheLongest) {
    const auto mounts = parse_mountinfo(
        "1 0 0:1 / / rw - ext4 a rw\n"
        "2 1 0:2 / /var rw shared:1 - tmpfs b rw\n"
        "3 1 0:3 / /var/lib rw - tmpfs c rw\n"
        "4 1 0:4 / /var rw - tmpfs d rw\n"
        "5 1 0:5 / /var/lib\\040x rw - tmpfs e rw\n");
    EXPECT_EQ(mount_holding(mounts, "/var/lib/containers")->source, "c");
    EXPECT_EQ(mount_holding(mounts, "/var/libx")->source, "d");  // not below /var/lib
    EXPECT_EQ(mount_holding(mounts, "/var/lib x/y")->source, "e");
    EXPECT_EQ(mount_holding(mounts, "/var")->source, "d");  // mounted over "b"
    EXPECT_FALSE(mount_holding(mounts, "/var")->shared());
    EXPECT_EQ(mount_holding(mounts, "/usr")->source, "a");
    EXPECT_FALSE(mount_holding({}, "/usr"));
}

TEST(HostProcCgroup, ParsesV1V2AndNamedHierarchies) {
    const auto m = parse_proc_cgroup("12:cpu,cpuacct:/user.slice\n1:name=systemd:/a:b\n0::/init.scope\nbad line\n");
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].hierarchy_id, 12);
    EXPECT_EQ(m[0].controllers_field, "cpu,cpuacct");
    EXPECT_EQ(m[0].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(m[0].path, "/user.slice");
    EXPECT_EQ(m[1].controllers, (std::vector<std::string>{"name=systemd"}));
    EXPECT_EQ(m[1].path, "/a:b");
    EXPECT_EQ(m[2].hierarchy_id, 0);
    EXPECT_TRUE(m[2].controllers.empty());
    EXPECT_EQ(m[2].path, "/init.scope");
    EXPECT_FALSE(read_proc_cgroup().empty());
}

TEST(HostProcCgroup, UidMapOfTheInitialNamespaceIsFull) {
    EXPECT_FALSE(uid_map_is_partial("         0          0 4294967295\n"));
    EXPECT_TRUE(uid_map_is_partial("         0       1000          1\n"));
    EXPECT_FALSE(uid_map_is_partial(""));
}

namespace {
long fs_type(const fs::path& p) {
    struct statfs st {};
    return ::statfs(p.c_str(), &st) == 0 ? static_cast<long>(st.f_type) : -1;
}
}  // namespace

// The core (plugin choice) and the drivers (their availability) ask the same function; a host
// without /sys/fs/cgroup is None for both: no driver fits (the core used to pick cgroups-v1).
TEST(HostCgroupMode, NoCgroupRootIsNoneAndHasNoDriver) {
    EXPECT_EQ(cgroup_mode("/nonexistent/sys/fs/cgroup"), CgroupMode::None);
    EXPECT_EQ(cgroup_driver_for(CgroupMode::None), "");
    EXPECT_EQ(cgroup_driver_for(CgroupMode::Unified), "cgroups-v2");
    EXPECT_EQ(cgroup_driver_for(CgroupMode::Hybrid), "cgroups-v1");
    EXPECT_EQ(cgroup_driver_for(CgroupMode::Legacy), "cgroups-v1");
}

TEST(HostCgroupMode, APlainDirectoryIsNone) {
    const fs::path dir = fs::path(OCIRUN_TEST_BUILD_DIR);  // the build tree: not tmpfs, not a cgroup
    if (fs_type(dir) == TMPFS_MAGIC) GTEST_SKIP() << dir << " is a tmpfs here";
    EXPECT_EQ(cgroup_mode(dir), CgroupMode::None);
}

TEST(HostCgroupMode, ATmpfsWithoutUnifiedIsLegacy) {
    if (fs_type("/dev/shm") != TMPFS_MAGIC) GTEST_SKIP() << "/dev/shm is not a tmpfs here";
    if (fs::exists("/dev/shm/unified")) GTEST_SKIP() << "/dev/shm/unified exists";
    EXPECT_EQ(cgroup_mode("/dev/shm"), CgroupMode::Legacy);
}

TEST(HostCgroupMode, ThisHostMatchesItsMounts) {
    const long root = fs_type(kCgroupRoot);
    const CgroupMode mode = cgroup_mode();
    if (root == CGROUP2_SUPER_MAGIC) EXPECT_EQ(mode, CgroupMode::Unified);
    else if (root == TMPFS_MAGIC && fs_type(kHybridUnifiedRoot) == CGROUP2_SUPER_MAGIC) EXPECT_EQ(mode, CgroupMode::Hybrid);
    else if (root == TMPFS_MAGIC) EXPECT_EQ(mode, CgroupMode::Legacy);
    else EXPECT_EQ(mode, CgroupMode::None);
    // A cgroup2 mount as the root is Unified (the hybrid one stands in for a pure-v2 host).
    if (fs_type(kHybridUnifiedRoot) == CGROUP2_SUPER_MAGIC) EXPECT_EQ(cgroup_mode(kHybridUnifiedRoot), CgroupMode::Unified);
}

TEST(HostSubCgroup, StaysInsideTheContainerCgroup) {
    EXPECT_EQ(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "sub"), fs::path("/sys/fs/cgroup/pids/c1/sub"));
    EXPECT_EQ(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "/sub/x"), fs::path("/sys/fs/cgroup/pids/c1/sub/x"));
    EXPECT_EQ(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "/"), fs::path("/sys/fs/cgroup/pids/c1/"));  // the cgroup itself
    EXPECT_EQ(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "a/../b"), fs::path("/sys/fs/cgroup/pids/c1/b"));
    EXPECT_FALSE(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", ".."));
    EXPECT_FALSE(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "a/../.."));
    EXPECT_FALSE(sub_cgroup_dir("/sys/fs/cgroup/pids/c1", "../c2"));
}

TEST(HostSubCgroup, AControllerPathWinsOverTheDefault) {
    const std::map<std::string, std::string> paths{{"pids", "/p/c"}, {"memory", "/m/c"}, {"cpu", "/cpu/c"}};
    const auto choices = sub_cgroup_choices(paths, {{"pids", "x"}, {"", "all"}});
    EXPECT_EQ(choices, (std::map<std::string, std::string>{{"/p/c", "x"}, {"/m/c", "all"}, {"/cpu/c", "all"}}));
    EXPECT_EQ(sub_cgroup_choices(paths, {{"pids", "x"}}), (std::map<std::string, std::string>{{"/p/c", "x"}}));
}
