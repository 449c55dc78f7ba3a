// cgroups-v1 driver against the real /sys/fs/cgroup of this (legacy or hybrid) host. Needs root.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <boost/json.hpp>
#include <cstring>
#include <vector>

#include "cgroups_test_support.hpp"

using namespace cgroups_test;
namespace json = boost::json;
using ocirun::plugin::CgroupConfig;
using ocirun::plugin::HostContext;

namespace {

class CgroupsV1 : public ::testing::Test {
protected:
    void SetUp() override {
        if (!is_root()) GTEST_SKIP() << "needs root to create cgroups";
        loaded_ = load_driver("cgroups-v1");
        if (auto why = driver().unavailable_reason(host_); !why.empty()) GTEST_SKIP() << why;
        base_ = "ocirun-cgtest-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }
    void TearDown() override {
        if (base_.empty()) return;
        scrub(base_);
        std::string own_mem = own_cgroup("memory");
        scrub((own_mem == "/" ? "" : own_mem.substr(1) + "/") + base_);
    }
    ocirun::plugin::CgroupDriver& driver() { return *loaded_->driver; }
    CgroupConfig config(const std::string& path, const ocirun::spec::LinuxResources* r = nullptr) {
        CgroupConfig c;
        c.container_id = base_;
        c.cgroups_path = path;
        c.resources = r;
        return c;
    }

    std::unique_ptr<LoadedDriver> loaded_;
    HostContext host_;
    std::string base_;
};

TEST_F(CgroupsV1, FeaturesNameExactlyTheControllersApplied) {
    EXPECT_EQ(loaded_->driver->features_json(),
              R"({"linux":{"cgroup":{"v1":true,"rdma":true}},"annotations":{"io.github.ocirun.cgroups-v1.controllers":)"
              R"("blkio,cpu,cpuacct,cpuset,devices,freezer,hugetlb,memory,net_cls,net_prio,pids,rdma"}})");
}

TEST_F(CgroupsV1, AppliesResourcesOfEachMountedController) {
    ocirun::spec::LinuxResources r;
    r.memory.emplace();
    r.memory->limit = 64 << 20;
    r.memory->reservation = 32 << 20;
    r.memory->swappiness = 10;
    r.cpu.emplace();
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    r.pids.emplace();
    r.pids->limit = 50;
    r.blockIO.emplace();
    r.blockIO->throttleReadBpsDevice.push_back({254, 0, 1048576});
    r.devices.push_back({false, "a", std::nullopt, std::nullopt, "rwm"});
    bool has_burst = fs::exists("/sys/fs/cgroup/cpu/cpu.cfs_burst_us");
    if (has_burst) r.cpu->burst = 1000;

    auto cg = driver().create(config("/" + base_ + "/c", &r), host_);
    auto paths = cg->paths();
    ASSERT_EQ(paths["memory"], "/sys/fs/cgroup/memory/" + base_ + "/c");
    EXPECT_EQ(read_file(paths["memory"] + "/memory.limit_in_bytes"), std::to_string(64 << 20));
    EXPECT_EQ(read_file(paths["memory"] + "/memory.soft_limit_in_bytes"), std::to_string(32 << 20));
    EXPECT_EQ(read_file(paths["memory"] + "/memory.swappiness"), "10");
    EXPECT_EQ(read_file(paths["cpu"] + "/cpu.shares"), "512");
    EXPECT_EQ(read_file(paths["cpu"] + "/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(read_file(paths["cpu"] + "/cpu.cfs_period_us"), "100000");
    if (has_burst) EXPECT_EQ(read_file(paths["cpu"] + "/cpu.cfs_burst_us"), "1000");
    EXPECT_EQ(read_file(paths["cpuset"] + "/cpuset.cpus"), "0");
    // The new parent got its parent's cpus so that the leaf could be configured.
    EXPECT_EQ(read_file("/sys/fs/cgroup/cpuset/" + base_ + "/cpuset.cpus"), read_file("/sys/fs/cgroup/cpuset/cpuset.cpus"));
    EXPECT_EQ(read_file(paths["pids"] + "/pids.max"), "50");
    if (fs::exists("/sys/dev/block/254:0"))
        EXPECT_EQ(read_file(paths["blkio"] + "/blkio.throttle.read_bps_device"), "254:0 1048576");
    std::string devices = read_file(paths["devices"] + "/devices.list");
    EXPECT_NE(devices.find("c 1:3 rwm"), std::string::npos) << devices;
    EXPECT_NE(devices.find("c 136:* rwm"), std::string::npos) << devices;
    EXPECT_EQ(devices.find("a *:* rwm"), std::string::npos) << devices;
    cg->destroy();
    EXPECT_FALSE(fs::exists("/sys/fs/cgroup/memory/" + base_));
}

// add_process(0): the calling (single-threaded) process moves itself, through `tasks`; the
// container's init and exec child join this way.
TEST_F(CgroupsV1, ProcessJoinsItselfWithPidZero) {
    auto cg = driver().create(config("/" + base_, nullptr), host_);
    int done[2];
    ASSERT_EQ(::pipe(done), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        char ok = 'y';
        try {
            cg->add_process(0);
        } catch (...) {
            ok = 'n';
        }
        ssize_t ignored = ::write(done[1], &ok, 1);
        (void)ignored;
        ::pause();
        ::_exit(0);
    }
    ::close(done[1]);
    char ok = 0;
    ASSERT_EQ(::read(done[0], &ok, 1), 1);
    ::close(done[0]);
    EXPECT_EQ(ok, 'y');
    const std::string p = std::to_string(pid);
    EXPECT_EQ(own_cgroup("memory", p), "/" + base_);
    EXPECT_EQ(own_cgroup("pids", p), "/" + base_);
    EXPECT_EQ(cg->pids(), std::vector<pid_t>{pid});
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    cg->destroy();
}

TEST_F(CgroupsV1, ProcessPlacementFreezePidsKillAndStats) {
    ocirun::spec::LinuxResources r;
    r.pids.emplace();
    r.pids->limit = 20;
    r.memory.emplace();
    r.memory->limit = 128 << 20;
    auto cg = driver().create(config("/" + base_, &r), host_);
    Child child;
    cg->add_process(child.pid());
    child.release();
    std::string pid = std::to_string(child.pid());
    EXPECT_EQ(own_cgroup("memory", pid), "/" + base_);
    EXPECT_EQ(own_cgroup("cpu", pid), "/" + base_);
    if (fs::exists("/sys/fs/cgroup/unified/cgroup.procs")) EXPECT_EQ(own_cgroup("", pid), "/" + base_);

    auto pids = cg->pids();
    ASSERT_EQ(pids.size(), 1u);
    EXPECT_EQ(pids[0], child.pid());

    cg->freeze();
    EXPECT_TRUE(cg->frozen());
    EXPECT_EQ(read_file(cg->paths()["freezer"] + "/freezer.state"), "FROZEN");
    cg->thaw();
    EXPECT_FALSE(cg->frozen());

    auto data = json::parse(cg->stats_json()).as_object();
    for (const char* key : {"cpu", "memory", "pids", "blkio", "hugetlb"}) EXPECT_TRUE(data.contains(key)) << key;
    EXPECT_TRUE(data.at("cpu").as_object().at("usage").as_object().contains("kernel"));
    EXPECT_TRUE(data.at("cpu").as_object().contains("throttling"));
    const auto& mem = data.at("memory").as_object();
    EXPECT_EQ(mem.at("usage").as_object().at("limit").to_number<std::uint64_t>(), 128u << 20);
    for (const char* key : {"swap", "kernel", "kernelTCP", "raw"}) EXPECT_TRUE(mem.contains(key)) << key;
    const auto& p = data.at("pids").as_object();
    EXPECT_EQ(p.at("current").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(p.at("limit").to_number<std::uint64_t>(), 20u);

    // Reopened from its saved text, the cgroup is the same one.
    auto reopened = driver().open(cg->save(), host_);
    EXPECT_EQ(reopened->paths(), cg->paths());

    reopened->kill_all(SIGKILL);
    int status = child.wait();
    ASSERT_NE(status, -1) << "child not killed";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    EXPECT_FALSE(reopened->frozen());
    reopened->destroy();
    for (const auto& [controller, dir] : cg->paths()) EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST_F(CgroupsV1, DestroyKeepsPreexistingParent) {
    ASSERT_EQ(::mkdir(("/sys/fs/cgroup/cpu/" + base_).c_str(), 0755), 0);
    auto cg = driver().create(config("/" + base_ + "/leaf"), host_);
    cg->destroy();
    EXPECT_TRUE(fs::exists("/sys/fs/cgroup/cpu/" + base_));
    EXPECT_FALSE(fs::exists("/sys/fs/cgroup/cpu/" + base_ + "/leaf"));
    EXPECT_FALSE(fs::exists("/sys/fs/cgroup/memory/" + base_));
}

TEST_F(CgroupsV1, CgroupsPathForms) {
    std::string own_mem = own_cgroup("memory");
    std::string mem_base = "/sys/fs/cgroup/memory" + (own_mem == "/" ? std::string() : own_mem);
    {
        auto cg = driver().create(config(""), host_);  // like runc: <own cgroup>/<id>
        EXPECT_EQ(cg->paths()["memory"], mem_base + "/" + base_);
        cg->destroy();
    }
    {
        auto cg = driver().create(config(base_ + "/rel"), host_);
        EXPECT_EQ(cg->paths()["memory"], mem_base + "/" + base_ + "/rel");
        cg->destroy();
        EXPECT_FALSE(fs::exists(mem_base + "/" + base_));
    }
    try {
        driver().create(config("system.slice:ocirun:" + base_), host_);
        FAIL() << "systemd form accepted";
    } catch (const ocirun::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.cgroupsPath"), std::string::npos) << e.what();
    }
    HostContext systemd_host;
    systemd_host.systemd_cgroup = true;
    try {
        driver().validate(config("/" + base_), systemd_host);
        FAIL() << "--systemd-cgroup accepted";
    } catch (const ocirun::Error& e) {
        EXPECT_NE(std::string(e.what()).find("no systemd cgroup driver installed"), std::string::npos) << e.what();
    }
    EXPECT_THROW(driver().validate(config("/a/../../etc"), host_), ocirun::Error);
}

TEST_F(CgroupsV1, RefusesWhatV1CannotApply) {
    ocirun::spec::LinuxResources r;
    r.unified["memory.high"] = "1000000";
    try {
        driver().create(config("/" + base_, &r), host_);
        FAIL() << "unified accepted on v1";
    } catch (const ocirun::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.resources.unified"), std::string::npos) << e.what();
    }
    ocirun::spec::LinuxResources swappy;
    swappy.memory.emplace();
    swappy.memory->swappiness = 101;
    EXPECT_THROW(driver().validate(config("/" + base_, &swappy), host_), ocirun::Error);
    if (!fs::exists("/sys/fs/cgroup/hugetlb")) {
        ocirun::spec::LinuxResources huge;
        huge.hugepageLimits.push_back({"2MB", 2 << 20});
        try {
            driver().create(config("/" + base_, &huge), host_);
            FAIL() << "hugetlb limit accepted without the controller";
        } catch (const ocirun::Error& e) {
            EXPECT_NE(std::string(e.what()).find("hugetlb"), std::string::npos) << e.what();
        }
    }
    EXPECT_FALSE(fs::exists("/sys/fs/cgroup/memory/" + base_)) << "failed create left a directory";
}

TEST_F(CgroupsV1, OomNotifierFiresWhenTheLimitIsExceeded) {
    ocirun::spec::LinuxResources r;
    r.memory.emplace();
    r.memory->limit = 16 << 20;
    if (fs::exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")) r.memory->swap = 16 << 20;
    auto cg = driver().create(config("/" + base_, &r), host_);
    int efd = cg->open_oom_notifier();
    ASSERT_GE(efd, 0);
    Child child([] {
        for (int i = 0; i < 64; ++i) {
            auto* block = static_cast<char*>(std::malloc(4 << 20));
            if (block) std::memset(block, 1, 4 << 20);
        }
    });
    cg->add_process(child.pid());
    child.release();
    pollfd pfd{efd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 20000);
    EXPECT_EQ(ready, 1) << "no OOM event within 20 s";
    if (ready == 1) {
        std::uint64_t count = 0;
        EXPECT_EQ(::read(efd, &count, sizeof count), 8);
        EXPECT_GE(count, 1u);
    }
    ::close(efd);
    int status = child.wait();
    EXPECT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    cg->destroy();
}

}  // namespace
