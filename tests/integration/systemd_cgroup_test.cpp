// The systemd cgroup driver (--systemd-cgroup, plugins/cgroups-systemd).
//
// Suite SystemdCgroup needs systemd as PID 1: it runs in the test VM's systemd boot kind (ctest
// label systemd, `vm.systemd-suite`) and skips, saying why, elsewhere. It drives containers with
// "slice:prefix:name" paths through run/exec/update/pause/resume/ps/kill --all/delete and reads
// the scope back with `systemctl show` and the cgroup files, and compares unit name, properties
// and files with runc's in the same boot. The same tests run on a pure cgroup-v2 guest
// (vm.systemd-suite) and on a hybrid one (vm.systemd-hybrid-suite): the files and property names
// follow the host's layout (ScopeFiles).
//
// Suite SystemdCgroupNoSystemd runs on hosts without systemd (this machine): the clear errors
// (systemd not running, invalid cgroupsPath) against runc's texts, with nothing left behind.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
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

bool host_is_unified() {
    struct statfs s {};
    return ::statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

// A scope's cgroup files on this host's layout: one directory on pure v2, one per controller
// hierarchy on v1/hybrid, with v1's file names and formats.
struct ScopeFiles {
    std::string control_group;  // the unit's ControlGroup, "/system.slice/x.scope"
    bool unified = host_is_unified();

    fs::path dir(const std::string& v1_controller) const {
        return unified ? fs::path("/sys/fs/cgroup" + control_group)
                       : fs::path("/sys/fs/cgroup/" + v1_controller + control_group);
    }
    std::string read(const std::string& v1_controller, const std::string& file) const {
        std::string s = it::read_file(dir(v1_controller) / file);
        while (!s.empty() && s.back() == '\n') s.pop_back();
        return s;
    }
    std::string memory_limit() const { return unified ? read("", "memory.max") : read("memory", "memory.limit_in_bytes"); }
    std::string pids_limit() const { return read("pids", "pids.max"); }
    // v2 "quota period"; v1 the same two numbers from cfs_quota_us and cfs_period_us.
    std::string cpu_quota_period() const {
        return unified ? read("", "cpu.max") : read("cpu", "cpu.cfs_quota_us") + " " + read("cpu", "cpu.cfs_period_us");
    }
    // The swap knob: v2 memory.swap.max (swap only), v1 memory.memsw.limit_in_bytes (memory+swap).
    std::string swap_limit() const {
        return unified ? read("", "memory.swap.max") : read("memory", "memory.memsw.limit_in_bytes");
    }
    // v2 "1"/"0" from cgroup.freeze; v1 freezer.state mapped to the same.
    std::string frozen() const {
        if (unified) return read("", "cgroup.freeze");
        const std::string state = read("freezer", "freezer.state");
        return state == "FROZEN" ? "1" : state == "THAWED" ? "0" : state;
    }
    bool holds(long pid) const {
        return read("memory", "cgroup.procs").find(std::to_string(pid)) != std::string::npos;
    }
    // Every directory of the scope (one on v2, one per mounted hierarchy on v1/hybrid).
    std::vector<fs::path> all_dirs() const {
        if (unified) return {dir("")};
        std::vector<fs::path> dirs;
        for (const auto& e : fs::directory_iterator("/sys/fs/cgroup"))
            if (e.is_directory() && !e.is_symlink()) dirs.push_back(e.path() / control_group.substr(1));
        return dirs;
    }
    // The knobs compared with runc, by name, in this layout.
    std::map<std::string, std::string> compared_knobs() const {
        if (unified)
            return {{"memory.max", read("", "memory.max")}, {"memory.swap.max", read("", "memory.swap.max")},
                    {"cpu.max", read("", "cpu.max")},       {"cpu.weight", read("", "cpu.weight")},
                    {"pids.max", read("", "pids.max")}};
        return {{"memory.limit_in_bytes", read("memory", "memory.limit_in_bytes")},
                {"memory.memsw.limit_in_bytes", read("memory", "memory.memsw.limit_in_bytes")},
                {"cpu.cfs_quota_us", read("cpu", "cpu.cfs_quota_us")},
                {"cpu.cfs_period_us", read("cpu", "cpu.cfs_period_us")},
                {"cpu.shares", read("cpu", "cpu.shares")},
                {"pids.max", read("pids", "pids.max")}};
    }
};

// The unit property that holds the memory limit: v2 MemoryMax, v1 MemoryLimit (runc's choice).
std::string memory_limit_property() { return host_is_unified() ? "MemoryMax" : "MemoryLimit"; }

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

// Both layouts' properties: on each host runc sets one of each pair (MemoryMax/MemoryLimit,
// CPUWeight/CPUShares, IOAccounting/BlockIOAccounting) and ocirun must set the same one.
const std::vector<std::string> kCompared = {
    "Slice",        "ControlGroup",       "Delegate",           "DefaultDependencies", "MemoryMax",
    "MemoryLimit",  "MemorySwapMax",      "CPUWeight",          "CPUShares",           "CPUQuotaPerSecUSec",
    "CPUQuotaPeriodUSec", "TasksMax",     "DevicePolicy",       "DeviceAllow",         "MemoryAccounting",
    "CPUAccounting", "TasksAccounting",   "IOAccounting",       "BlockIOAccounting"};

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
    const ScopeFiles files{"/system.slice/" + unit};
    const std::string memory_property = memory_limit_property();
    {
        ScopedContainer c(ocirun, id, [&](it::Bundle& b) { set_limits(b, "system.slice:ocirun-test:" + id); });
        ASSERT_EQ(c.result.exit_code, 0) << c.result.describe();
        auto shown = unit_show(unit, {"ActiveState", "ControlGroup", "Slice", "Delegate", memory_property, "TasksMax",
                                      "CPUQuotaPerSecUSec", "CPUWeight", "CPUShares"});
        EXPECT_EQ(shown["ActiveState"], "active");
        EXPECT_EQ(shown["Slice"], "system.slice");
        EXPECT_EQ(shown["ControlGroup"], files.control_group);
        EXPECT_EQ(shown["Delegate"], "yes");
        EXPECT_EQ(shown[memory_property], std::to_string(64 * 1024 * 1024));
        EXPECT_EQ(shown["TasksMax"], "100");
        EXPECT_EQ(shown["CPUQuotaPerSecUSec"], "500ms");
        if (files.unified)
            EXPECT_EQ(shown["CPUWeight"], "20");  // shares 512 -> weight, runc's conversion
        else
            EXPECT_EQ(shown["CPUShares"], "512");
        EXPECT_EQ(files.memory_limit(), std::to_string(64 * 1024 * 1024));
        EXPECT_EQ(files.pids_limit(), "100");
        EXPECT_EQ(files.cpu_quota_period(), "50000 100000");
        // v2: swap alone (96M - 64M); v1: memory+swap.
        EXPECT_EQ(files.swap_limit(), std::to_string((files.unified ? 32 : 96) * 1024 * 1024));

        // systemctl status: the scope with the container's init in it.
        const auto status = it::run_command({"systemctl", "status", "--no-pager", unit}, {.timeout = 60s});
        EXPECT_NE(status.out.find("sleep 1000"), std::string::npos) << status.describe();
        EXPECT_NE(status.out.find(std::to_string(c.pid())), std::string::npos) << status.describe();
        EXPECT_TRUE(files.holds(c.pid()));

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
        shown = unit_show(unit, {memory_property, "TasksMax"});
        EXPECT_EQ(shown[memory_property], std::to_string(80 * 1024 * 1024));
        EXPECT_EQ(shown["TasksMax"], "50");
        EXPECT_EQ(files.memory_limit(), std::to_string(80 * 1024 * 1024));
        EXPECT_EQ(files.pids_limit(), "50");

        // pause/resume through the freezer.
        ASSERT_EQ(ocirun({"--systemd-cgroup", "pause", id}).exit_code, 0);
        EXPECT_EQ(ocirun.state(id).at("status").as_string(), "paused");
        EXPECT_EQ(files.frozen(), "1");
        ASSERT_EQ(ocirun({"--systemd-cgroup", "resume", id}).exit_code, 0);
        EXPECT_EQ(ocirun.state(id).at("status").as_string(), "running");

        // kill --all empties the scope; delete stops the unit.
        ASSERT_EQ(ocirun({"--systemd-cgroup", "kill", "--all", id, "KILL"}).exit_code, 0);
        EXPECT_TRUE(it::eventually([&] { return ocirun.state(id).at("status").as_string() == "stopped"; }, 60s));
        const auto del = ocirun({"--systemd-cgroup", "delete", id}, {.timeout = 120s});
        EXPECT_EQ(del.exit_code, 0) << del.describe();
    }
    for (const auto& dir : files.all_dirs()) EXPECT_FALSE(fs::exists(dir)) << dir;
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
    EXPECT_TRUE(fs::is_directory(ScopeFiles{expected}.dir("memory")));
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
        const ScopeFiles files{"/system.slice/" + unit};
        for (const auto& [file, value] : files.compared_knobs()) seen["file " + file] = value;
        seen["init in scope"] = std::to_string(files.holds(c.pid()));
        // v1/hybrid: the hierarchies that have a directory for the scope (systemd's and ocirun's).
        if (!files.unified)
            for (const auto& dir : files.all_dirs()) seen["dir " + dir.string()] = std::to_string(fs::exists(dir));
        return seen;
    };
    const auto runc_seen = observe(it::Runner::runc());
    ASSERT_FALSE(runc_seen.empty());
    // runc's scope must be gone before ocirun starts one of the same name.
    ASSERT_TRUE(it::eventually([&] { return unit_show(unit, {"LoadState"})["LoadState"] == "not-found"; }, 60s));
    const auto ocirun_seen = observe(it::Runner::ocirun());
    for (const auto& [key, value] : runc_seen) EXPECT_EQ(ocirun_seen.count(key) ? ocirun_seen.at(key) : "<missing>", value) << key;
}

// runc's org.systemd.property.* annotations: extra unit properties (TimeoutStopSec in seconds is
// sent as TimeoutStopUSec), the same as runc's in the same boot.
TEST_F(SystemdCgroup, PropertyAnnotationsReachTheUnitLikeRunc) {
    const std::string id = it::unique_id("sda");
    const std::string unit = "anno-" + id + ".scope";
    const std::vector<std::string> shown_properties = {"TimeoutStopUSec", "CollectMode", "RuntimeMaxUSec"};
    auto observe = [&](const it::Runner& rt) {
        ScopedContainer c(rt, id, [&](it::Bundle& b) {
            b.config()["linux"].as_object()["cgroupsPath"] = "system.slice:anno:" + id;
            b.config()["annotations"] = {{"org.systemd.property.TimeoutStopSec", "7"},
                                         {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
                                         {"org.systemd.property.RuntimeMaxUSec", "uint64 3600000000"},
                                         {"com.example.unrelated", "ignored"}};
            b.save();
        });
        EXPECT_EQ(c.result.exit_code, 0) << rt.name() << ": " << c.result.describe();
        return c.result.exit_code == 0 ? unit_show(unit, shown_properties) : std::map<std::string, std::string>{};
    };
    const auto seen = observe(it::Runner::ocirun());
    EXPECT_EQ(seen.count("TimeoutStopUSec") ? seen.at("TimeoutStopUSec") : "<missing>", "7s");
    EXPECT_EQ(seen.count("CollectMode") ? seen.at("CollectMode") : "<missing>", "inactive-or-failed");
    EXPECT_EQ(seen.count("RuntimeMaxUSec") ? seen.at("RuntimeMaxUSec") : "<missing>", "1h");
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: ocirun's properties checked, no comparison";
    ASSERT_TRUE(it::eventually([&] { return unit_show(unit, {"LoadState"})["LoadState"] == "not-found"; }, 60s));
    EXPECT_EQ(observe(it::Runner::runc()), seen);
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

// A bad org.systemd.property.* annotation is refused before systemd is even asked, naming the
// annotation (runc refuses it too).
TEST_F(SystemdCgroupNoSystemd, BadPropertyAnnotationNamesTheField) {
    const auto ocirun = it::Runner::ocirun();
    const std::string id = it::unique_id("sdan");
    it::Bundle b;
    b.set_args({"true"});
    b.config()["annotations"] = {{"org.systemd.property.timeoutStopSec", "5"}};
    b.save();
    const auto r = ocirun({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(mentions(r, R"(config.json: annotations[\"org.systemd.property.timeoutStopSec\"]: the property name )"))
        << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, b), std::vector<std::string>{});
    if (it::runc_available()) {
        const auto rr = it::Runner::runc()({"--systemd-cgroup", "run", "--bundle", b.path().string(), id}, {.timeout = 60s});
        EXPECT_NE(rr.exit_code, 0);
        EXPECT_TRUE(mentions(rr, "org.systemd.property.timeoutStopSec")) << rr.describe();
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
