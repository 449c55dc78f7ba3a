// Cgroup operations through the `ocirun` binary on real containers: limits from config.json and
// `update` read back from the host's cgroup files, pause/resume, `events` (stats shape against
// runc, OOM notices), the pids limit, CPU throttling under a quota, device rules (v1
// devices.allow/deny, v2 eBPF program) from config.json and `update`, `ps`, `kill --all`, and that
// delete removes exactly the container's cgroup directories. The v1-only resources (net_cls,
// net_prio, blkio, rdma) are in cgroup_resources_test.cpp.
//
// Every test body runs twice: suite CgroupOps on a cgroup-v1 (hybrid) host, suite CgroupOpsV2 on
// a pure cgroup-v2 host (the test VM: ctest label v2, `tests/vm/run-in-vm.sh -- ctest -L v2`).
// Each suite skips, saying why, on the other kind of host.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool pure_cgroup_v2() {
    struct statfs s {};
    return ::statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

bool in_vm() {
    const char* v = std::getenv("OCIRUN_IN_VM");
    return v && std::string(v) == "1";
}

// Everything runs ~10-50x slower under the VM's emulation.
std::chrono::milliseconds slow(std::chrono::milliseconds t) { return in_vm() ? t * 10 : t; }

std::string read_trimmed(const fs::path& p) {
    std::ifstream in(p);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// The host directory of `pid`'s cgroup for `controller` (v1), or its unified cgroup (v2: "").
fs::path cgroup_dir(pid_t pid, const std::string& controller) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
    for (std::string line; std::getline(in, line);) {
        const auto a = line.find(':'), b = line.find(':', a + 1);
        const std::string list = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (controller.empty()) {
            if (line.rfind("0::", 0) == 0) return fs::path("/sys/fs/cgroup") / path.substr(1);
            continue;
        }
        std::stringstream names(list);
        for (std::string n; std::getline(names, n, ',');)
            if (n == controller) {
                // Comounts (cpu,cpuacct) are reachable through the controller's own name link.
                return fs::path("/sys/fs/cgroup") / controller / path.substr(1);
            }
    }
    throw std::runtime_error("pid " + std::to_string(pid) + " has no " +
                             (controller.empty() ? "unified" : controller) + " cgroup");
}

// One test's setting: which hierarchy kind, and where its containers' cgroups go.
struct Mode {
    bool v2 = false;

    fs::path dir(pid_t pid, const std::string& v1_controller) const {
        return cgroup_dir(pid, v2 ? "" : v1_controller);
    }
    std::string memory_limit(pid_t pid) const {
        return read_trimmed(dir(pid, "memory") / (v2 ? "memory.max" : "memory.limit_in_bytes"));
    }
    std::string pids_limit(pid_t pid) const { return read_trimmed(dir(pid, "pids") / "pids.max"); }
    // "QUOTA PERIOD" in both modes.
    std::string cpu_max(pid_t pid) const {
        if (v2) return read_trimmed(dir(pid, "cpu") / "cpu.max");
        return read_trimmed(dir(pid, "cpu") / "cpu.cfs_quota_us") + " " +
               read_trimmed(dir(pid, "cpu") / "cpu.cfs_period_us");
    }
    bool frozen(pid_t pid) const {
        if (v2) return read_trimmed(dir(pid, "") / "cgroup.freeze") == "1";
        return read_trimmed(dir(pid, "freezer") / "freezer.state") == "FROZEN";
    }
    // v2: below the VM's delegated test cgroup; v1: the runtime's default placement.
    void place(it::Bundle& bundle, const std::string& id) const {
        if (!v2) return;
        const char* env = std::getenv("OCIRUN_VM_TEST_CGROUP");
        const fs::path base = env ? fs::path(env) : fs::path("/sys/fs/cgroup/ocirun-test");
        bundle.config()["linux"].as_object()["cgroupsPath"] =
            "/" + fs::relative(base, "/sys/fs/cgroup").string() + "/" + id;
        bundle.save();
    }
};

boost::json::object& resources(it::Bundle& b) {
    auto& linux_obj = b.config()["linux"].as_object();
    if (!linux_obj.contains("resources")) linux_obj["resources"] = boost::json::object{};
    return linux_obj["resources"].as_object();
}

pid_t init_pid(const it::Runner& rt, const std::string& id) {
    const auto state = rt.state(id);
    if (!state.at("pid").is_number()) throw std::runtime_error("state has no pid: " + boost::json::serialize(state));
    return static_cast<pid_t>(state.at("pid").to_number<std::int64_t>());
}

std::set<std::string> keys(const boost::json::value& v) {
    std::set<std::string> k;
    if (v.is_object())
        for (const auto& kv : v.as_object()) k.insert(std::string(kv.key()));
    return k;
}

// ---------------------------------------------------------------- bodies

void limits_from_config_and_update(const Mode& m) {
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    auto& res = resources(bundle);
    res["memory"] = {{"limit", 64 << 20}};
    res["pids"] = {{"limit", 100}};
    res["cpu"] = {{"quota", 50000}, {"period", 100000}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-limits");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const pid_t pid = init_pid(rt, id);

    EXPECT_EQ(m.memory_limit(pid), std::to_string(64 << 20));
    EXPECT_EQ(m.pids_limit(pid), "100");
    EXPECT_EQ(m.cpu_max(pid), "50000 100000");

    r = rt({"update", "--memory", "128m", "--pids-limit", "50", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(m.memory_limit(pid), std::to_string(128 << 20));
    EXPECT_EQ(m.pids_limit(pid), "50");
    EXPECT_EQ(m.cpu_max(pid), "50000 100000") << "update --memory must not touch the cpu limits";

    r = rt({"update", "--cpu-quota", "20000", "--cpu-period", "50000", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(m.cpu_max(pid), "20000 50000");
    // A lone period keeps the quota.
    r = rt({"update", "--cpu-period", "40000", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(m.cpu_max(pid), "20000 40000");

    r = rt({"update", "--resources", "-", id},
           {.input = R"({"memory":{"limit":100663296},"pids":{"limit":77}})"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(m.memory_limit(pid), "100663296");
    EXPECT_EQ(m.pids_limit(pid), "77");

    // The stored config now carries the merged limits.
    auto stored = boost::json::parse(read_trimmed(rt.root() / id / "config.json"));
    const auto& sres = stored.at("linux").at("resources");
    EXPECT_EQ(sres.at("memory").at("limit").to_number<std::int64_t>(), 100663296);
    EXPECT_EQ(sres.at("pids").at("limit").to_number<std::int64_t>(), 77);
    EXPECT_EQ(sres.at("cpu").at("quota").to_number<std::int64_t>(), 20000);
    EXPECT_EQ(sres.at("cpu").at("period").to_number<std::int64_t>(), 40000);

    r = rt({"update", "--memory", "12x", id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("invalid value for memory: invalid size: '12x'"), std::string::npos) << r.describe();

    ASSERT_EQ(rt({"kill", id, "KILL"}).exit_code, 0);
    ASSERT_TRUE(it::eventually([&] { return rt.state(id).at("status") == "stopped"; }, slow(5s)));
    r = rt({"update", "--memory", "64m", id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("container not running"), std::string::npos) << r.describe();
}

void pause_freezes_and_resume_continues(const Mode& m) {
    it::Bundle bundle;
    bundle.set_readonly(false);
    bundle.set_args({"sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /counter; sleep 0.05; done"});
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-pause");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const pid_t pid = init_pid(rt, id);
    const fs::path counter = bundle.rootfs() / "counter";
    auto value = [&] {
        try {
            return std::stol(read_trimmed(counter));
        } catch (...) {
            return -1L;  // mid-write
        }
    };
    ASSERT_TRUE(it::eventually([&] { return value() > 2; }, slow(10s))) << "the counter never ran";

    r = rt({"pause", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(m.frozen(pid));
    EXPECT_EQ(rt.state(id).at("status"), "paused");
    const long frozen_at = value();
    std::this_thread::sleep_for(slow(500ms));
    EXPECT_EQ(value(), frozen_at) << "the counter moved while paused";

    r = rt({"resume", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_FALSE(m.frozen(pid));
    EXPECT_EQ(rt.state(id).at("status"), "running");
    EXPECT_TRUE(it::eventually([&] { return value() > frozen_at + 2; }, slow(5s))) << "no progress after resume";
}

void events_stats_have_runc_fields(const Mode& m) {
    const std::vector<std::pair<std::string, std::string>> want = {
        {"cpu", "usage"}, {"cpu", "throttling"}, {"memory", "usage"}, {"memory", "raw"},
        {"pids", "current"}};
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    resources(bundle)["pids"] = {{"limit", 64}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-stats");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = rt({"events", "--stats", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one JSON line: " << r.out;
    const auto ev = boost::json::parse(r.out);
    EXPECT_EQ(keys(ev), (std::set<std::string>{"type", "id", "data"}));
    EXPECT_EQ(ev.at("type"), "stats");
    EXPECT_EQ(std::string(ev.at("id").as_string()), id);
    const auto& data = ev.at("data");
    for (const auto& [group, field] : want) EXPECT_TRUE(keys(data.at(group)).count(field)) << group << "." << field;
    EXPECT_GT(data.at("cpu").at("usage").at("total").to_number<std::uint64_t>(), 0u);
    EXPECT_GT(data.at("memory").at("usage").at("usage").to_number<std::uint64_t>(), 0u);
    EXPECT_GE(data.at("pids").at("current").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(data.at("pids").at("limit").to_number<std::uint64_t>(), 64u);

    if (!it::runc_available() || m.v2) return;  // the differential half runs on the v1 host
    auto runc = it::Runner::runc();
    it::Bundle rbundle;
    rbundle.set_args({"sleep", "1000"});
    resources(rbundle)["pids"] = {{"limit", 64}};
    rbundle.save();
    const auto rid = it::unique_id("cgops-stats-runc");
    r = runc({"run", "-d", "--bundle", rbundle.path().string(), rid});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = runc({"events", "--stats", rid});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto rdata = boost::json::parse(r.out).at("data");
    EXPECT_EQ(keys(data), keys(rdata));
    for (const char* g : {"cpu", "memory", "pids", "cpuset"}) EXPECT_EQ(keys(data.at(g)), keys(rdata.at(g))) << g;
    for (const char* f : {"usage", "throttling"}) EXPECT_EQ(keys(data.at("cpu").at(f)), keys(rdata.at("cpu").at(f))) << "cpu." << f;
    for (const char* f : {"usage", "swap", "kernel"}) EXPECT_EQ(keys(data.at("memory").at(f)), keys(rdata.at("memory").at(f))) << "memory." << f;
}

void oom_produces_an_event(const Mode& m) {
    it::Bundle bundle;
    // The shell waits for `events` to start, then tail buffers /dev/zero until the OOM killer
    // takes it; the shell then exits, which stops the container and ends `events`.
    bundle.set_args({"sh", "-c", in_vm() ? "sleep 8; tail /dev/zero; sleep 2" : "sleep 2; tail /dev/zero; sleep 1"});
    resources(bundle)["memory"] = {{"limit", 24 << 20}, {"swap", 24 << 20}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-oom");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = rt({"events", "--interval", "1s", id}, {.timeout = slow(30s)});
    EXPECT_EQ(r.exit_code, 0) << "events must end when the container stops: " << r.describe();
    bool oom = false, stats = false;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        const auto ev = boost::json::parse(line);
        EXPECT_EQ(std::string(ev.at("id").as_string()), id);
        if (ev.at("type") == "oom") {
            oom = true;
            EXPECT_EQ(keys(ev), (std::set<std::string>{"type", "id"})) << line;
        }
        if (ev.at("type") == "stats") stats = true;
    }
    EXPECT_TRUE(oom) << r.describe();
    EXPECT_TRUE(stats) << "a stats line every second: " << r.describe();
}

void pids_limit_stops_forks(const Mode& m) {
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", "for i in $(seq 20); do sleep 30 & done; echo forked"});
    resources(bundle)["pids"] = {{"limit", 8}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-pids");
    m.place(bundle, id);
    auto r = rt({"run", "--bundle", bundle.path().string(), id}, {.timeout = slow(30s)});
    EXPECT_NE(r.err.find("can't fork"), std::string::npos) << "forks beyond pids.max must fail: " << r.describe();
}

void ps_and_kill_all(const Mode& m) {
    it::Bundle bundle;
    // No pid namespace: the background sleep would survive its init, unless kill --all gets it.
    bundle.remove_namespace("pid");
    bundle.set_args({"sh", "-c", "sleep 1000 & sleep 1000"});
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-ps");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const pid_t pid = init_pid(rt, id);
    std::vector<pid_t> pids;
    ASSERT_TRUE(it::eventually([&] {
        r = rt({"ps", "--format", "json", id});
        if (r.exit_code != 0) return false;
        pids.clear();
        const boost::json::value parsed = boost::json::parse(r.out);  // kept alive for the loop
        for (const auto& p : parsed.as_array()) pids.push_back(static_cast<pid_t>(p.to_number<std::int64_t>()));
        return pids.size() >= 2;  // the init and its background sleep
    }, slow(5s))) << r.describe();
    EXPECT_NE(std::find(pids.begin(), pids.end(), pid), pids.end()) << r.out;

    r = rt({"ps", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::istringstream table(r.out);
    std::string header;
    std::getline(table, header);
    EXPECT_NE(header.find("PID"), std::string::npos) << r.out;
    size_t rows = 0;
    for (std::string line; std::getline(table, line);) ++rows;
    EXPECT_EQ(rows, pids.size()) << r.out;

    r = rt({"kill", "--all", id, "KILL"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    for (pid_t p : pids)
        EXPECT_TRUE(it::eventually([&] { return !fs::exists("/proc/" + std::to_string(p)) ||
                                                read_trimmed("/proc/" + std::to_string(p) + "/stat").find(") Z") != std::string::npos; },
                                   slow(5s)))
            << "pid " << p << " survived kill --all";
}

void delete_removes_only_its_cgroups(const Mode& m) {
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-del");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const pid_t pid = init_pid(rt, id);
    std::vector<fs::path> dirs;
    for (const char* c : m.v2 ? std::vector<const char*>{""} : std::vector<const char*>{"memory", "pids", "cpu", "freezer", "devices"})
        dirs.push_back(m.dir(pid, c));
    for (const auto& d : dirs) {
        ASSERT_TRUE(fs::is_directory(d)) << d;
        ASSERT_EQ(d.filename(), id) << "the container's own cgroup is named after it";
    }
    r = rt({"delete", "--force", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    for (const auto& d : dirs) {
        EXPECT_FALSE(fs::exists(d)) << d << " left behind";
        EXPECT_TRUE(fs::is_directory(d.parent_path())) << d.parent_path() << " (not ours) was removed";
    }
}

// CFS quota 10% of one CPU and a busy loop: the kernel must throttle it, counted in cpu.stat and
// reported by `events --stats` (throttling.throttled_periods, runc's field name).
void cpu_quota_throttles(const Mode& m) {
    it::Bundle bundle;
    bundle.set_args({"sh", "-c", "while :; do :; done"});
    resources(bundle)["cpu"] = {{"quota", 10000}, {"period", 100000}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-cpu");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const pid_t pid = init_pid(rt, id);
    const fs::path stat = m.dir(pid, "cpu") / "cpu.stat";
    auto throttled = [&] {
        std::istringstream in(read_trimmed(stat));
        std::string key;
        unsigned long long value = 0;
        while (in >> key >> value)
            if (key == "nr_throttled") return value;
        return 0ULL;
    };
    ASSERT_TRUE(it::eventually([&] { return throttled() >= 3; }, slow(5s))) << stat << ":\n" << read_trimmed(stat);
    r = rt({"events", "--stats", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto t = boost::json::parse(r.out).at("data").at("cpu").at("throttling");
    ASSERT_EQ(keys(t), (std::set<std::string>{"periods", "throttled_periods", "throttled_time"})) << r.out;
    EXPECT_GE(t.at("throttled_periods").to_number<std::uint64_t>(), 3u) << r.out;
    EXPECT_GE(t.at("periods").to_number<std::uint64_t>(), t.at("throttled_periods").to_number<std::uint64_t>());
    EXPECT_GT(t.at("throttled_time").to_number<std::uint64_t>(), 0u) << r.out;
}

// /dev/kmsg (c 1:11) is created in the container (linux.devices) but is outside the default
// allow list (runc does not add linux.devices nodes to it): opening it fails with EPERM, the
// defaults open, and an update leaves the rules alone.
void devices_outside_the_allow_list_cannot_be_opened(const Mode& m) {
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    bundle.config()["linux"].as_object()["devices"] = boost::json::array{
        {{"path", "/dev/kmsg"}, {"type", "c"}, {"major", 1}, {"minor", 11}, {"fileMode", 0444}, {"uid", 0}, {"gid", 0}}};
    resources(bundle)["devices"] = boost::json::array{{{"allow", false}, {"access", "rwm"}}};
    bundle.save();
    auto rt = it::Runner::ocirun();
    const auto id = it::unique_id("cgops-dev");
    m.place(bundle, id);
    auto r = rt({"run", "-d", "--bundle", bundle.path().string(), id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    auto open_in = [&](const std::string& dev) {
        return rt({"exec", id, "sh", "-c", "exec 3<" + dev + " && echo opened"}, {.timeout = slow(20s)});
    };
    r = open_in("/dev/kmsg");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.describe();
    r = open_in("/dev/null");
    EXPECT_EQ(r.out, "opened\n") << r.describe();
    if (!m.v2) {
        const std::string list = read_trimmed(m.dir(init_pid(rt, id), "devices") / "devices.list");
        EXPECT_EQ(list.find("c 1:11"), std::string::npos) << list;
        EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
    }

    // `update` takes runc's fields only (runc 1.1 ignores devices there too): the rules stay.
    // Replacing rules (v1 diff, v2 program swap) is tested on the driver in the unit tests.
    r = rt({"update", "--pids-limit", "100", "--resources", "-", id},
           {.input = R"({"devices":[{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]})"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = open_in("/dev/kmsg");
    EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.describe();
    r = open_in("/dev/null");
    EXPECT_EQ(r.out, "opened\n") << "the default devices stay allowed: " << r.describe();
}

void require_v1() {
    if (pure_cgroup_v2()) GTEST_SKIP() << "cgroup-v1 suite: this host is pure cgroup v2 (see CgroupOpsV2)";
    for (const char* c : {"memory", "pids", "cpu", "freezer"})
        if (!fs::exists(fs::path("/sys/fs/cgroup") / c / "cgroup.procs"))
            GTEST_SKIP() << "cgroup-v1 controller " << c << " is not mounted at /sys/fs/cgroup/" << c;
}

void require_v2() {
    if (!pure_cgroup_v2())
        GTEST_SKIP() << "needs a pure cgroup-v2 host; run tests/vm/run-in-vm.sh -- ctest -L v2";
}

}  // namespace

#define CGROUP_OPS_TEST(name, body)                  \
    TEST(CgroupOps, name) {                          \
        require_v1();                                \
        if (IsSkipped()) return;                     \
        body(Mode{false});                           \
    }                                                \
    TEST(CgroupOpsV2, name) {                        \
        require_v2();                                \
        if (IsSkipped()) return;                     \
        body(Mode{true});                            \
    }

CGROUP_OPS_TEST(LimitsFromConfigAndUpdate, limits_from_config_and_update)
CGROUP_OPS_TEST(PauseFreezesAndResumeContinues, pause_freezes_and_resume_continues)
CGROUP_OPS_TEST(EventsStatsHaveRuncFields, events_stats_have_runc_fields)
CGROUP_OPS_TEST(OomProducesAnEvent, oom_produces_an_event)
CGROUP_OPS_TEST(PidsLimitStopsForks, pids_limit_stops_forks)
CGROUP_OPS_TEST(PsAndKillAll, ps_and_kill_all)
CGROUP_OPS_TEST(DeleteRemovesOnlyItsCgroups, delete_removes_only_its_cgroups)
CGROUP_OPS_TEST(CpuQuotaThrottles, cpu_quota_throttles)
CGROUP_OPS_TEST(DevicesOutsideTheAllowListCannotBeOpened, devices_outside_the_allow_list_cannot_be_opened)

// ---------------------------------------------------------------- v1-only resources

namespace {

bool v1_mounted(const std::string& controller) {
    return fs::exists(fs::path("/sys/fs/cgroup") / controller / "cgroup.procs");
}

// Runs a `sleep` container with `res` as linux.resources.
it::CommandResult run_with(it::Runner& rt, it::Bundle& bundle, const std::string& id, const boost::json::object& res) {
    bundle.set_args({"sleep", "1000"});
    resources(bundle) = res;
    bundle.save();
    return rt({"run", "-d", "--bundle", bundle.path().string(), id});
}

// A resource whose controller this host does not mount must be refused naming the controller.
void expect_refused_naming(const it::CommandResult& r, const std::string& controller) {
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("the " + controller + " cgroup controller is not mounted"), std::string::npos) << r.describe();
}

// The first whole block device of the host (vda, sda, nvme0n1), as "major:minor".
std::string first_disk() {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
        const std::string name = e.path().filename();
        if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0 || name.rfind("zram", 0) == 0) continue;
        if (fs::exists(e.path() / "dev")) return read_trimmed(e.path() / "dev");
    }
    return "";
}

// Whether a new blkio cgroup has `file` (the weight files exist only with CFQ or BFQ).
bool new_blkio_cgroup_has(const std::string& file) {
    const fs::path probe = fs::path("/sys/fs/cgroup/blkio") / it::unique_id("ocirun-probe");
    if (!fs::create_directory(probe)) return false;
    const bool has = fs::exists(probe / file);
    fs::remove(probe);
    return has;
}

}  // namespace

TEST(CgroupOps, NetClsClassId) {
    require_v1();
    if (IsSkipped()) return;
    auto rt = it::Runner::ocirun();
    it::Bundle bundle;
    const auto id = it::unique_id("cgops-netcls");
    auto r = run_with(rt, bundle, id, {{"network", {{"classID", 1048577}}}});
    if (!v1_mounted("net_cls")) return expect_refused_naming(r, "net_cls");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(read_trimmed(cgroup_dir(init_pid(rt, id), "net_cls") / "net_cls.classid"), "1048577");
}

TEST(CgroupOps, NetPrioPriorities) {
    require_v1();
    if (IsSkipped()) return;
    auto rt = it::Runner::ocirun();
    it::Bundle bundle;
    const auto id = it::unique_id("cgops-netprio");
    auto r = run_with(rt, bundle, id, {{"network", {{"priorities", boost::json::array{{{"name", "lo"}, {"priority", 5}}}}}}});
    if (!v1_mounted("net_prio")) return expect_refused_naming(r, "net_prio");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const std::string map = read_trimmed(cgroup_dir(init_pid(rt, id), "net_prio") / "net_prio.ifpriomap");
    EXPECT_NE(map.find("lo 5"), std::string::npos) << map;
}

TEST(CgroupOps, RdmaLimits) {
    require_v1();
    if (IsSkipped()) return;
    auto rt = it::Runner::ocirun();
    it::Bundle bundle;
    const auto id = it::unique_id("cgops-rdma");
    if (v1_mounted("rdma") && read_trimmed("/sys/fs/cgroup/rdma/rdma.max").empty())
        GTEST_SKIP() << "the rdma controller is mounted but this host has no RDMA device to limit";
    std::string device = "mlx4_0";
    if (v1_mounted("rdma")) device = read_trimmed("/sys/fs/cgroup/rdma/rdma.max").substr(0, read_trimmed("/sys/fs/cgroup/rdma/rdma.max").find(' '));
    auto r = run_with(rt, bundle, id, {{"rdma", {{device, {{"hcaHandles", 3}, {"hcaObjects", 100}}}}}});
    if (!v1_mounted("rdma")) return expect_refused_naming(r, "rdma");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const std::string max = read_trimmed(cgroup_dir(init_pid(rt, id), "rdma") / "rdma.max");
    EXPECT_NE(max.find(device + " hca_handle=3 hca_object=100"), std::string::npos) << max;
}

TEST(CgroupOps, BlkioThrottlesFromConfig) {
    require_v1();
    if (IsSkipped()) return;
    if (!v1_mounted("blkio")) GTEST_SKIP() << "the blkio controller is not mounted";
    const std::string disk = first_disk();
    if (disk.empty()) GTEST_SKIP() << "no block device in /sys/block other than loop/ram/zram to throttle";
    const auto colon = disk.find(':');
    const long major = std::stol(disk.substr(0, colon)), minor = std::stol(disk.substr(colon + 1));
    auto rt = it::Runner::ocirun();
    it::Bundle bundle;
    const auto id = it::unique_id("cgops-blkio");
    auto throttle = [&](long rate) {
        return boost::json::array{{{"major", major}, {"minor", minor}, {"rate", rate}}};
    };
    auto r = run_with(rt, bundle, id,
                      {{"blockIO", {{"throttleReadBpsDevice", throttle(1048576)}, {"throttleWriteIOPSDevice", throttle(300)}}}});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const fs::path dir = cgroup_dir(init_pid(rt, id), "blkio");
    EXPECT_EQ(read_trimmed(dir / "blkio.throttle.read_bps_device"), disk + " 1048576");
    EXPECT_EQ(read_trimmed(dir / "blkio.throttle.write_iops_device"), disk + " 300");

    // `update` takes only the blkio weight, like runc 1.1: throttles stay as created.
    r = rt({"update", "--resources", "-", id},
           {.input = boost::json::serialize(boost::json::object{{"blockIO", {{"throttleReadBpsDevice", throttle(2097152)}}}})});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(read_trimmed(dir / "blkio.throttle.read_bps_device"), disk + " 1048576");
    EXPECT_EQ(read_trimmed(dir / "blkio.throttle.write_iops_device"), disk + " 300");
}

TEST(CgroupOps, BlkioWeight) {
    require_v1();
    if (IsSkipped()) return;
    if (!v1_mounted("blkio")) GTEST_SKIP() << "the blkio controller is not mounted";
    const char* file = new_blkio_cgroup_has("blkio.weight") ? "blkio.weight"
                       : new_blkio_cgroup_has("blkio.bfq.weight") ? "blkio.bfq.weight" : nullptr;
    auto rt = it::Runner::ocirun();
    it::Bundle bundle;
    const auto id = it::unique_id("cgops-blkw");
    auto r = run_with(rt, bundle, id, {{"blockIO", {{"weight", 300}}}});
    if (!file) {  // no CFQ/BFQ: refused naming the field and the missing file
        EXPECT_NE(r.exit_code, 0) << r.describe();
        EXPECT_NE(r.err.find("linux.resources.blockIO.weight"), std::string::npos) << r.describe();
        return;
    }
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const fs::path dir = cgroup_dir(init_pid(rt, id), "blkio");
    EXPECT_NE(read_trimmed(dir / file).find("300"), std::string::npos) << dir / file;
    r = rt({"update", "--blkio-weight", "700", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(read_trimmed(dir / file).find("700"), std::string::npos) << dir / file;
}
