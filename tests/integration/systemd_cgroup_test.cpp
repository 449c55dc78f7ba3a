// The systemd cgroup driver (--systemd-cgroup, plugins/cgroups-systemd).
//
// Suite SystemdCgroup needs systemd as PID 1: it runs in the test VM's systemd boot kind (ctest
// label systemd, `vm.systemd-suite`) and skips, saying why, elsewhere. It drives containers with
// "slice:prefix:name" paths through run/exec/update/pause/resume/ps/kill --all/delete and reads
// the scope back with `systemctl show` and the cgroup files, and compares unit name, properties
// and files with runc's in the same boot.
//
// Suite SystemdCgroupNoSystemd runs on hosts without systemd (this machine): the clear errors
// (systemd not running, invalid cgroupsPath) against runc's texts, with nothing left behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool systemd_is_pid1() { return fs::exists("/run/systemd/system"); }

// `systemctl show UNIT -p NAME...` as a map (every property asked for is printed).
std::map<std::string, std::string> unit_show(const std::string& unit, const std::vector<std::string>& names) {
    std::vector<std::string> argv{"systemctl", "show", unit};
    for (const auto& n : names) argv.push_back("--property=" + n);
    const auto r = it::run_command(argv, {.timeout = 60s});
    std::map<std::string, std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        // A list property (DeviceAllow) comes as one line per entry: kept in order.
        std::string& value = out[line.substr(0, eq)];
        value += (value.empty() ? "" : "; ") + line.substr(eq + 1);
    }
    return out;
}

std::string file_text(const fs::path& p) {
    std::string s = it::read_file(p);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

// A config.json with limits systemd owns and one it does not (cpu.max burst is absent; swap is
// written through MemorySwapMax and memory.swap.max).
void set_limits(it::Bundle& b, const std::string& cgroups_path) {
    auto& linux_section = b.config()["linux"].as_object();
    linux_section["cgroupsPath"] = cgroups_path;
    boost::json::object resources;
    resources["memory"] = {{"limit", 64 * 1024 * 1024}, {"swap", 96 * 1024 * 1024}};
    resources["cpu"] = {{"shares", 512}, {"quota", 50000}, {"period", 100000}};
    resources["pids"] = {{"limit", 100}};
    linux_section["resources"] = std::move(resources);
    b.save();
}

const std::vector<std::string> kCompared = {
    "Slice",     "ControlGroup", "Delegate",         "DefaultDependencies", "MemoryMax",
    "MemorySwapMax", "CPUWeight", "CPUQuotaPerSecUSec", "CPUQuotaPeriodUSec",  "TasksMax",
    "DevicePolicy", "DeviceAllow", "MemoryAccounting", "CPUAccounting",       "TasksAccounting",
    "IOAccounting"};

const std::vector<std::string> kComparedFiles = {"memory.max", "memory.swap.max", "cpu.max", "cpu.weight",
                                                 "pids.max"};

class SystemdCgroup : public ::testing::Test {
protected:
    void SetUp() override {
        if (!systemd_is_pid1())
            GTEST_SKIP() << "systemd is not PID 1 here (no /run/systemd/system): runs in the test VM's systemd boot (ctest -L systemd)";
    }
};

// A detached `sleep 1000` container run with --systemd-cgroup; force-deleted at the end.
struct ScopedContainer {
    const it::Runner& rt;
    it::Bundle bundle;
    std::string id;
    it::CommandResult result;

    ScopedContainer(const it::Runner& runtime, const std::string& id_, const std::function<void(it::Bundle&)>& tweak)
        : rt(runtime), id(id_) {
        bundle.set_args({"sleep", "1000"});
        tweak(bundle);
        result = rt({"--systemd-cgroup", "run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = 120s});
    }
    ~ScopedContainer() {
        rt({"--systemd-cgroup", "resume", id});
        rt({"--systemd-cgroup", "delete", "--force", id}, {.timeout = 120s});
    }
    long pid() const { return static_cast<long>(rt.state(id).at("pid").as_int64()); }
};

TEST_F(SystemdCgroup, ScopeHoldsTheContainerWithItsLimitsAndGoesAwayOnDelete) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sd");
    const std::string unit = "ocirun-test-" + id + ".scope";
    fs::path cgroup_dir;
    {
        ScopedContainer c(ocirun, id, [&](it::Bundle& b) { set_limits(b, "system.slice:ocirun-test:" + id); });
        ASSERT_EQ(c.result.exit_code, 0) << c.result.describe();
        auto shown = unit_show(unit, {"ActiveState", "ControlGroup", "Slice", "Delegate", "MemoryMax", "TasksMax",
                                      "CPUQuotaPerSecUSec", "CPUWeight"});
        EXPECT_EQ(shown["ActiveState"], "active");
        EXPECT_EQ(shown["Slice"], "system.slice");
        EXPECT_EQ(shown["ControlGroup"], "/system.slice/" + unit);
        EXPECT_EQ(shown["Delegate"], "yes");
        EXPECT_EQ(shown["MemoryMax"], std::to_string(64 * 1024 * 1024));
        EXPECT_EQ(shown["TasksMax"], "100");
        EXPECT_EQ(shown["CPUQuotaPerSecUSec"], "500ms");
        EXPECT_EQ(shown["CPUWeight"], "20");  // shares 512 -> weight, runc's conversion
        cgroup_dir = fs::path("/sys/fs/cgroup") / "system.slice" / unit;
        EXPECT_EQ(file_text(cgroup_dir / "memory.max"), std::to_string(64 * 1024 * 1024));
        EXPECT_EQ(file_text(cgroup_dir / "pids.max"), "100");
        EXPECT_EQ(file_text(cgroup_dir / "cpu.max"), "50000 100000");
        EXPECT_EQ(file_text(cgroup_dir / "memory.swap.max"), std::to_string(32 * 1024 * 1024));

        // systemctl status: the scope with the container's init in it.
        const auto status = it::run_command({"systemctl", "status", "--no-pager", unit}, {.timeout = 60s});
        EXPECT_NE(status.out.find("sleep 1000"), std::string::npos) << status.describe();
        EXPECT_NE(status.out.find(std::to_string(c.pid())), std::string::npos) << status.describe();
        EXPECT_NE(file_text(cgroup_dir / "cgroup.procs").find(std::to_string(c.pid())), std::string::npos);

        // exec joins the same scope; ps lists both.
        const auto exec = ocirun({"--systemd-cgroup", "exec", "-d", id, "sleep", "999"}, {.timeout = 60s});
        ASSERT_EQ(exec.exit_code, 0) << exec.describe();
        const auto ps = ocirun({"--systemd-cgroup", "ps", "--format", "json", id}, {.timeout = 60s});
        ASSERT_EQ(ps.exit_code, 0) << ps.describe();
        EXPECT_EQ(boost::json::parse(ps.out).as_array().size(), 2u) << ps.out;

        // update: the unit property and the file.
        // (memory+swap stays 96M: the new limit must stay below it, as runc checks)
        const auto update = ocirun({"--systemd-cgroup", "update", "--memory", "80M", "--pids-limit", "50", id},
                                   {.timeout = 60s});
        ASSERT_EQ(update.exit_code, 0) << update.describe();
        shown = unit_show(unit, {"MemoryMax", "TasksMax"});
        EXPECT_EQ(shown["MemoryMax"], std::to_string(80 * 1024 * 1024));
        EXPECT_EQ(shown["TasksMax"], "50");
        EXPECT_EQ(file_text(cgroup_dir / "memory.max"), std::to_string(80 * 1024 * 1024));
        EXPECT_EQ(file_text(cgroup_dir / "pids.max"), "50");

        // pause/resume through the freezer.
        ASSERT_EQ(ocirun({"--systemd-cgroup", "pause", id}).exit_code, 0);
        EXPECT_EQ(ocirun.state(id).at("status").as_string(), "paused");
        EXPECT_EQ(file_text(cgroup_dir / "cgroup.freeze"), "1");
        ASSERT_EQ(ocirun({"--systemd-cgroup", "resume", id}).exit_code, 0);
        EXPECT_EQ(ocirun.state(id).at("status").as_string(), "running");

        // kill --all empties the scope; delete stops the unit.
        ASSERT_EQ(ocirun({"--systemd-cgroup", "kill", "--all", id, "KILL"}).exit_code, 0);
        EXPECT_TRUE(it::eventually([&] { return ocirun.state(id).at("status").as_string() == "stopped"; }, 60s));
        const auto del = ocirun({"--systemd-cgroup", "delete", id}, {.timeout = 120s});
        EXPECT_EQ(del.exit_code, 0) << del.describe();
    }
    EXPECT_FALSE(fs::exists(cgroup_dir)) << cgroup_dir;
    const auto after = unit_show(unit, {"LoadState", "ActiveState"});
    EXPECT_NE(after.at("ActiveState"), "active") << "unit " << unit << " still active after delete";
    EXPECT_EQ(after.at("LoadState"), "not-found");
}

TEST_F(SystemdCgroup, NestedSliceIsExpandedLikeSystemdDoes) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sdn");
    ScopedContainer c(ocirun, id, [&](it::Bundle& b) {
        b.config()["linux"].as_object()["cgroupsPath"] = "ocirun-test-nested.slice:pfx:" + id;
        b.save();
    });
    ASSERT_EQ(c.result.exit_code, 0) << c.result.describe();
    const std::string unit = "pfx-" + id + ".scope";
    const std::string expected = "/ocirun.slice/ocirun-test.slice/ocirun-test-nested.slice/" + unit;
    EXPECT_EQ(unit_show(unit, {"ControlGroup"})["ControlGroup"], expected);
    EXPECT_TRUE(fs::is_directory("/sys/fs/cgroup" + expected));
    EXPECT_NE(it::read_file("/proc/" + std::to_string(c.pid()) + "/cgroup").find(expected), std::string::npos);
}

TEST_F(SystemdCgroup, EmptyCgroupsPathUsesSystemSliceAndTheOcirunPrefix) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sde");
    ScopedContainer c(ocirun, id, [](it::Bundle&) {});
    ASSERT_EQ(c.result.exit_code, 0) << c.result.describe();
    // runc's rule with ocirun's own prefix (runc: runc-<id>.scope).
    EXPECT_EQ(unit_show("ocirun-" + id + ".scope", {"ControlGroup"})["ControlGroup"],
              "/system.slice/ocirun-" + id + ".scope");
}

TEST_F(SystemdCgroup, UnitThatAlreadyExistsIsRefusedAndNothingIsLeft) {
    const auto ocirun = it::Runner::ocirun();
    const std::string first = it::unique_id("sdx"), second = it::unique_id("sdx");
    const std::string path = "system.slice:ocirun-test:shared-" + first;
    ScopedContainer a(ocirun, first, [&](it::Bundle& b) {
        b.config()["linux"].as_object()["cgroupsPath"] = path;
        b.save();
    });
    ASSERT_EQ(a.result.exit_code, 0) << a.result.describe();
    it::Bundle b;
    b.set_args({"true"});
    b.config()["linux"].as_object()["cgroupsPath"] = path;
    b.save();
    const auto r = ocirun({"--systemd-cgroup", "run", "--bundle", b.path().string(), second}, {.timeout = 120s});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, second, b), std::vector<std::string>{});
    // The first container's scope is untouched.
    EXPECT_EQ(unit_show("ocirun-test-shared-" + first + ".scope", {"ActiveState"})["ActiveState"], "active");
}

// runc in the same boot: the same cgroupsPath gives the same unit, properties and files.
TEST_F(SystemdCgroup, SameUnitPropertiesAndFilesAsRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed";
    const std::string id = it::unique_id("sdd");
    const std::string unit = "diff-" + id + ".scope";
    auto observe = [&](const it::Runner& rt) {
        std::map<std::string, std::string> seen;
        ScopedContainer c(rt, id, [&](it::Bundle& b) { set_limits(b, "system.slice:diff:" + id); });
        EXPECT_EQ(c.result.exit_code, 0) << rt.name() << ": " << c.result.describe();
        if (c.result.exit_code != 0) return seen;
        seen = unit_show(unit, kCompared);
        for (const auto& f : kComparedFiles) seen["file " + f] = file_text(fs::path("/sys/fs/cgroup/system.slice") / unit / f);
        seen["init in scope"] = std::to_string(
            file_text(fs::path("/sys/fs/cgroup/system.slice") / unit / "cgroup.procs").find(std::to_string(c.pid())) !=
            std::string::npos);
        return seen;
    };
    const auto runc_seen = observe(it::Runner::runc());
    ASSERT_FALSE(runc_seen.empty());
    // runc's scope must be gone before ocirun starts one of the same name.
    ASSERT_TRUE(it::eventually([&] { return unit_show(unit, {"LoadState"})["LoadState"] == "not-found"; }, 60s));
    const auto ocirun_seen = observe(it::Runner::ocirun());
    for (const auto& [key, value] : runc_seen) EXPECT_EQ(ocirun_seen.count(key) ? ocirun_seen.at(key) : "<missing>", value) << key;
}

// ---------------------------------------------------------------- hosts without systemd
class SystemdCgroupNoSystemd : public ::testing::Test {
protected:
    void SetUp() override {
        if (systemd_is_pid1()) GTEST_SKIP() << "systemd runs here: the no-systemd errors cannot be seen";
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    }
};

// The runtime's error line without its "time=... level=error msg=" frame.
bool mentions(const it::CommandResult& r, const std::string& text) { return r.err.find(text) != std::string::npos; }

TEST_F(SystemdCgroupNoSystemd, RefusedClearlyWithoutFallingBack) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sdno");
    it::Bundle b;
    b.set_args({"true"});
    const auto r = ocirun({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(mentions(r, "--systemd-cgroup: systemd not running on this host, cannot use systemd cgroups manager"))
        << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, b), std::vector<std::string>{});
    if (it::runc_available()) {
        const auto runc = it::Runner::runc();
        const auto rr = runc({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
        EXPECT_NE(rr.exit_code, 0);
        EXPECT_TRUE(mentions(rr, "systemd not running on this host, cannot use systemd cgroups manager")) << rr.describe();
    }
}

TEST_F(SystemdCgroupNoSystemd, InvalidCgroupsPathNamesTheFieldLikeRunc) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sdbad");
    it::Bundle b;
    b.set_args({"true"});
    b.config()["linux"].as_object()["cgroupsPath"] = "a:b";
    b.save();
    const std::string runc_text =
        R"(expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"a:b\" instead)";
    const auto r = ocirun({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(mentions(r, "config.json: linux.cgroupsPath: ")) << r.describe();
    EXPECT_TRUE(mentions(r, runc_text)) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, b), std::vector<std::string>{});
    if (it::runc_available()) {
        const auto rr = it::Runner::runc()({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
        EXPECT_NE(rr.exit_code, 0);
        EXPECT_TRUE(mentions(rr, runc_text)) << rr.describe();
    }
}

TEST_F(SystemdCgroupNoSystemd, ConflictingConfigFileDriverIsAnError) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sdcf");
    it::TempDir dir("ocirun-sdcf");
    const fs::path config = dir.path() / "ocirun.json";
    {
        std::ofstream(config) << R"({"cgroupDriver": "none"})";
    }
    it::Bundle b;
    b.set_args({"true"});
    const auto r = ocirun({"--systemd-cgroup", "run", "--bundle", b.path().string(), id},
                          {.timeout = 60s, .env = {{"OCIRUN_CONFIG", config.string()}}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(mentions(r, "--systemd-cgroup conflicts with \\\"cgroupDriver\\\": \\\"none\\\"")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, b), std::vector<std::string>{});
}

}  // namespace
