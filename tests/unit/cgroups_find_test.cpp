// CgroupDriver::find (issue #13 item 2): with the saved text lost (a corrupt state.json), the
// driver reopens the cgroup create() made for the same config, and nothing else. Needs root.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cgroups_test_support.hpp"

using namespace cgroups_test;
using ocirun::plugin::CgroupConfig;
using ocirun::plugin::HostContext;

namespace {

class CgroupFind : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        if (!is_root()) GTEST_SKIP() << "needs root to create cgroups";
        loaded_ = load_driver(GetParam());
        if (auto why = loaded_->driver->unavailable_reason(host_); !why.empty()) GTEST_SKIP() << why;
        id_ = "ocirun-cgfind-" + std::to_string(::getpid());
    }
    CgroupConfig config(const std::string& path) const {
        CgroupConfig c;
        c.container_id = id_;
        c.cgroups_path = path;
        return c;
    }
    std::unique_ptr<LoadedDriver> loaded_;
    HostContext host_;
    std::string id_;
};

TEST_P(CgroupFind, FindsWhatCreateMadeForTheSameConfigAndDestroyRemovesIt) {
    auto& driver = *loaded_->driver;
    for (const std::string path : {std::string(), "/" + id_ + "-abs/leaf"}) {
        EXPECT_EQ(driver.find(config(path), host_), nullptr) << "nothing made yet for [" << path << "]";
        auto made = driver.create(config(path), host_);
        auto found = driver.find(config(path), host_);
        ASSERT_NE(found, nullptr) << path;
        EXPECT_EQ(found->paths(), made->paths()) << path;
        EXPECT_TRUE(found->pids().empty());
        found->destroy();
        for (const auto& [controller, dir] : made->paths())
            EXPECT_FALSE(fs::exists(dir)) << controller << " " << dir;
        made->destroy();  // the parents it made (absolute form), the leaves being gone already
        EXPECT_EQ(driver.find(config(path), host_), nullptr) << path;
    }
}

INSTANTIATE_TEST_SUITE_P(Drivers, CgroupFind, ::testing::Values("cgroups-v1", "cgroups-v2"),
                         [](const auto& info) { return std::string(info.param) == "cgroups-v1" ? "V1" : "V2"; });

}  // namespace
