// The systemd cgroup driver's placement (cgroupsPath -> slice and scope, slice expansion) and
// resource -> unit property conversions (plugins/cgroups-systemd), without systemd.
#include <gtest/gtest.h>

#include <functional>

#include "ocirun/error.hpp"
#include "scope_placement.hpp"
#include "unit_properties.hpp"

namespace sd = ocirun::cgroups::systemd;

namespace {

ocirun::plugin::CgroupConfig config(const std::string& id, const std::string& path) {
    ocirun::plugin::CgroupConfig c;
    c.container_id = id;
    c.cgroups_path = path;
    return c;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ocirun::Error& e) {
        return e.what();
    }
    return "<no error>";
}

const sd::UnitProperty* find(const std::vector<sd::UnitProperty>& props, const std::string& name) {
    for (const auto& p : props)
        if (p.name == name) return &p;
    return nullptr;
}

TEST(CgroupsSystemd, SliceExpansionNestsLikeSystemd) {
    EXPECT_EQ(sd::expand_slice("system.slice"), "/system.slice");
    EXPECT_EQ(sd::expand_slice("-.slice"), "");
    EXPECT_EQ(sd::expand_slice("kubepods-besteffort-pod1.slice"),
              "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice");
    for (const char* bad : {"a--b.slice", "-a.slice", "a-.slice", "a.scope", ".slice", "a/b.slice"})
        EXPECT_NE(error_of([&] { sd::expand_slice(bad); }).find("invalid slice name"), std::string::npos) << bad;
}

TEST(CgroupsSystemd, CgroupsPathFormsGiveRuncsUnitNames) {
    auto p = sd::scope_placement(config("c1", "system.slice:docker:c1"));
    EXPECT_EQ(p.slice, "system.slice");
    EXPECT_EQ(p.unit, "docker-c1.scope");
    p = sd::scope_placement(config("c1", "kubepods-besteffort.slice:cri-containerd:abc"));
    EXPECT_EQ(p.slice, "kubepods-besteffort.slice");
    EXPECT_EQ(p.unit, "cri-containerd-abc.scope");
    p = sd::scope_placement(config("c1", ":p:n"));
    EXPECT_EQ(p.slice, "system.slice");
    EXPECT_EQ(p.unit, "p-n.scope");
    p = sd::scope_placement(config("c1", ""));
    EXPECT_EQ(p.slice, "system.slice");
    EXPECT_EQ(p.unit, "ocirun-c1.scope");
}

TEST(CgroupsSystemd, InvalidCgroupsPathNamesTheField) {
    for (const char* bad : {"a:b", "/a/b", "a/b", "a:b:c:d", "system.slice:p:"}) {
        const std::string e = error_of([&] { sd::scope_placement(config("c1", bad)); });
        EXPECT_EQ(e, std::string("config.json: linux.cgroupsPath: expected cgroupsPath to be of format "
                                 "\"slice:prefix:name\" for systemd cgroups, got \"") + bad + "\" instead");
    }
    EXPECT_NE(error_of([] { sd::scope_placement(config("c1", "a--b.slice:p:n")); }).find("linux.cgroupsPath"),
              std::string::npos);
}

TEST(CgroupsSystemd, ResourcesBecomeRuncsProperties) {
    ocirun::spec::LinuxResources r;
    r.memory.emplace();
    r.memory->limit = 64 << 20;
    r.memory->swap = 96 << 20;
    r.cpu.emplace();
    r.cpu->shares = 1024;
    r.cpu->quota = 33333;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-2,9";
    r.pids.emplace();
    r.pids->limit = -1;
    const auto v2 = sd::resource_properties(r, true);
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "MemoryMax")->value), 64u << 20);
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "MemorySwapMax")->value), 32u << 20);
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "CPUWeight")->value), 39u);
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "CPUQuotaPeriodUSec")->value), 100000u);
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "CPUQuotaPerSecUSec")->value), 340000u);  // 10 ms steps, rounded up
    EXPECT_EQ(std::get<std::uint64_t>(find(v2, "TasksMax")->value), sd::kInfinity);
    EXPECT_EQ(std::get<sd::ByteArray>(find(v2, "AllowedCPUs")->value), (sd::ByteArray{0x07, 0x02}));
    const auto v1 = sd::resource_properties(r, false);
    EXPECT_EQ(std::get<std::uint64_t>(find(v1, "MemoryLimit")->value), 64u << 20);
    EXPECT_EQ(std::get<std::uint64_t>(find(v1, "CPUShares")->value), 1024u);
    EXPECT_EQ(find(v1, "MemorySwapMax"), nullptr);
}

TEST(CgroupsSystemd, DeviceRulesBecomeDevicePolicyAndDeviceAllow) {
    const auto defaults = sd::device_properties({}, false);
    ASSERT_EQ(std::get<std::string>(find(defaults, "DevicePolicy")->value), "strict");
    const auto& allowed = std::get<sd::DeviceAllowList>(find(defaults, "DeviceAllow")->value);
    auto has = [&](const std::string& path, const std::string& access) {
        for (const auto& [p, a] : allowed)
            if (p == path && a == access) return true;
        return false;
    };
    EXPECT_TRUE(has("/dev/char/1:3", "rwm")) << "/dev/null";
    EXPECT_TRUE(has("char-*", "m")) << "mknod of any char device";
    EXPECT_TRUE(has("block-*", "m")) << "mknod of any block device";
    ocirun::spec::LinuxDeviceCgroup allow_all;
    allow_all.allow = true;
    allow_all.type = "a";
    const auto all = sd::device_properties({allow_all}, true);
    EXPECT_EQ(all.front().name, "DeviceAllow");  // the reset
    EXPECT_EQ(std::get<std::string>(find(all, "DevicePolicy")->value), "auto");
}

}  // namespace
