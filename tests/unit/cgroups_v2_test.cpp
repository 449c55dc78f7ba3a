// cgroups-v2 driver against the cgroup2 at /sys/fs/cgroup (pure v2) or /sys/fs/cgroup/unified
// (hybrid; there only hugetlb may be available). Needs root.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cgroups_test_support.hpp"
#include "device_program_attach.hpp"

using namespace cgroups_test;
namespace json = boost::json;

namespace {

std::string cgroup2_root() {
    if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) return "/sys/fs/cgroup";
    if (fs::exists("/sys/fs/cgroup/unified/cgroup.controllers")) return "/sys/fs/cgroup/unified";
    return "";
}

class CgroupsV2 : public ::testing::Test {
protected:
    void SetUp() override {
        if (!is_root()) GTEST_SKIP() << "needs root to create cgroups";
        root_ = cgroup2_root();
        if (root_.empty()) GTEST_SKIP() << "no cgroup2 mount on this host";
        loaded_ = load_driver("cgroups-v2");
        base_ = "ocirun-cg2test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }
    void TearDown() override {
        if (!base_.empty()) scrub(base_);
    }
    ocirun::plugin::CgroupConfig config(const std::string& path, const ocirun::spec::LinuxResources* r = nullptr) {
        ocirun::plugin::CgroupConfig c;
        c.container_id = base_;
        c.cgroups_path = path;
        c.resources = r;
        return c;
    }
    std::unique_ptr<LoadedDriver> loaded_;
    ocirun::plugin::HostContext host_;
    std::string root_, base_;
};

TEST_F(CgroupsV2, FeaturesAndAvailabilityAreTruthful) {
    EXPECT_EQ(loaded_->driver->features_json(),
              R"({"linux":{"cgroup":{"v2":true,"rdma":true}},"annotations":{"io.github.ocirun.cgroups-v2.controllers":)"
              R"("cpu,cpuset,devices,freezer,hugetlb,io,memory,pids,rdma"}})");
    bool pure_v2 = root_ == "/sys/fs/cgroup";
    EXPECT_EQ(loaded_->driver->unavailable_reason(host_).empty(), pure_v2);
}

TEST_F(CgroupsV2, PlacementFreezeKillAndDestroy) {
    auto cg = loaded_->driver->create(config("/" + base_ + "/leaf"), host_);
    ASSERT_EQ(cg->paths()[""], root_ + "/" + base_ + "/leaf");
    Child child;
    cg->add_process(child.pid());
    child.release();
    EXPECT_EQ(own_cgroup("", std::to_string(child.pid())), "/" + base_ + "/leaf");
    auto pids = cg->pids();
    ASSERT_EQ(pids.size(), 1u);
    EXPECT_EQ(pids[0], child.pid());
    cg->freeze();
    EXPECT_TRUE(cg->frozen());
    cg->thaw();
    EXPECT_FALSE(cg->frozen());
    json::parse(cg->stats_json());  // well-formed even with no controllers
    cg->kill_all(SIGKILL);
    int status = child.wait();
    ASSERT_NE(status, -1);
    EXPECT_TRUE(WIFSIGNALED(status));
    cg->destroy();
    EXPECT_FALSE(fs::exists(root_ + "/" + base_));
}

TEST_F(CgroupsV2, HugetlbLimit) {
    auto controllers = read_file(root_ + "/cgroup.controllers");
    if (controllers.find("hugetlb") == std::string::npos) GTEST_SKIP() << "hugetlb not in " << root_ << "/cgroup.controllers";
    ocirun::spec::LinuxResources r;
    r.hugepageLimits.push_back({"2MB", 4 << 20});
    auto cg = loaded_->driver->create(config("/" + base_, &r), host_);
    EXPECT_EQ(read_file(cg->paths()[""] + "/hugetlb.2MB.max"), std::to_string(4 << 20));
    auto data = json::parse(cg->stats_json()).as_object();
    EXPECT_TRUE(data.at("hugetlb").as_object().contains("2MB"));
    cg->destroy();
}

TEST_F(CgroupsV2, RefusesWhatItCannotDo) {
    ocirun::spec::LinuxResources bad_unified;
    bad_unified.unified["../x"] = "1";
    EXPECT_THROW(loaded_->driver->validate(config("/" + base_, &bad_unified), host_), ocirun::Error);
    ocirun::spec::LinuxResources devices;
    devices.devices.push_back({true, "c", 1, 3, "rwm"});
    EXPECT_NO_THROW(loaded_->driver->validate(config("/" + base_, &devices), host_));
    ocirun::spec::LinuxResources hole;  // runc refuses a hole in a wildcard allow too
    hole.devices = {{true, "c", std::nullopt, std::nullopt, "rwm"}, {false, "c", 1, 3, "w"}};
    EXPECT_THROW(loaded_->driver->validate(config("/" + base_, &hole), host_), ocirun::Error);
    ocirun::spec::LinuxResources swap;
    swap.memory.emplace();
    swap.memory->swap = 100;
    EXPECT_THROW(loaded_->driver->validate(config("/" + base_, &swap), host_), ocirun::Error);
    EXPECT_FALSE(fs::exists(root_ + "/" + base_));
}

// Opens `path` in a child that is in the cgroup; the child's exit code is 0 when it opened,
// 1 on EPERM, 2 on any other error.
int open_in_cgroup(ocirun::plugin::Cgroup& cg, const char* path) {
    Child child([path] {
        int fd = ::open(path, O_RDONLY | O_CLOEXEC);
        ::_exit(fd >= 0 ? 0 : errno == EPERM ? 1 : 2);
    });
    cg.add_process(child.pid());
    child.release();
    int status = child.wait();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string attached_program_count(const std::string& dir) {
    return std::to_string(ocirun::cgroups::attached_device_programs(dir).size());
}

TEST_F(CgroupsV2, DeviceProgramEnforcesTheAllowListAndIsReplacedOnUpdate) {
    if (!fs::exists("/dev/kmsg")) GTEST_SKIP() << "needs /dev/kmsg (c 1:11) as a device outside the default list";
    ocirun::spec::LinuxResources r;
    r.devices.push_back({false, "a", std::nullopt, std::nullopt, "rwm"});
    auto cg = loaded_->driver->create(config("/" + base_, &r), host_);
    const std::string dir = cg->paths()[""];
    EXPECT_EQ(attached_program_count(dir), "1");
    EXPECT_EQ(open_in_cgroup(*cg, "/dev/null"), 0) << "a default allowed device";
    EXPECT_EQ(open_in_cgroup(*cg, "/dev/kmsg"), 1) << "a device outside the allow list";

    ocirun::spec::LinuxResources update;
    update.devices = {{false, "a", std::nullopt, std::nullopt, "rwm"}, {true, "c", 1, 11, "r"}};
    cg->set_resources(update);
    EXPECT_EQ(attached_program_count(dir), "1") << "the old program must be detached";
    EXPECT_EQ(open_in_cgroup(*cg, "/dev/kmsg"), 0) << "allowed by the update";

    // An update that names no device rules keeps the program.
    ocirun::spec::LinuxResources other;
    cg->set_resources(other);
    EXPECT_EQ(open_in_cgroup(*cg, "/dev/kmsg"), 0);
    cg->destroy();
}

}  // namespace
