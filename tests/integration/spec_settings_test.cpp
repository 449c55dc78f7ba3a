// runtime-spec 1.3 Linux settings read back from inside real containers: process.scheduler,
// ioPriority, execCPUAffinity, linux.personality, rootfsPropagation, every mount type, the
// recursive mount options, idmapped mounts, tmpcopyup, read-only root, sysctl, time namespace
// offsets, joining a namespace by path, and the refusals (sysctl outside its namespace, hostname
// without UTS, intelRdt, LSM labels). Where runc 1.1.5 supports the same bundle, its result is
// the expected one.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNothing;

// `sh -c script` in a fresh container of `bundle` under `runner`; checks nothing is left behind.
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

json::object& process_of(it::Bundle& bundle) { return bundle.config().at("process").as_object(); }
json::object& linux_of(it::Bundle& bundle) { return bundle.config().at("linux").as_object(); }
json::array& mounts_of(it::Bundle& bundle) { return bundle.config().at("mounts").as_array(); }

json::array strings(const std::vector<std::string>& list) {
    json::array a;
    for (const auto& s : list) a.emplace_back(s);
    return a;
}

void add_mount(it::Bundle& bundle, json::object mount) {
    mounts_of(bundle).push_back(std::move(mount));
    bundle.save();
}

// The error reaches stderr as a log line whose quotes are escaped (msg="... \"x\""): look in
// the text as written and with the escapes undone.
bool contains(const std::string& haystack, const std::string& needle) {
    if (haystack.find(needle) != std::string::npos) return true;
    std::string plain;
    for (std::size_t i = 0; i < haystack.size(); ++i) {
        if (haystack[i] == '\\' && i + 1 < haystack.size() && haystack[i + 1] == '"') continue;
        plain += haystack[i];
    }
    return plain.find(needle) != std::string::npos;
}

// Fails the create and says so: the error must name `field` and say `phrase`.
void expect_refused(const it::CommandResult& r, const std::string& field, const std::string& phrase) {
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, field)) << "error does not name " << field << ": " << r.describe();
    EXPECT_TRUE(contains(r.err, phrase)) << "error does not say [" << phrase << "]: " << r.describe();
}

// A host tmpfs mounted for one test and unmounted (lazily) whatever happens.
class HostTmpfs {
public:
    HostTmpfs(const fs::path& where, const char* options, unsigned long flags = 0) : where_(where) {
        fs::create_directories(where);
        if (::mount("tmpfs", where.c_str(), "tmpfs", flags, options) != 0)
            throw std::runtime_error("mount tmpfs on " + where.string() + ": " + std::strerror(errno));
    }
    ~HostTmpfs() { ::umount2(where_.c_str(), MNT_DETACH); }
    HostTmpfs(const HostTmpfs&) = delete;
    HostTmpfs& operator=(const HostTmpfs&) = delete;

private:
    fs::path where_;
};

int online_cpus() { return static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)); }

}  // namespace

// ---------------------------------------------------------------- process.scheduler

TEST(SpecSettings, SchedulerBatchWithNice) {
    it::Bundle bundle;
    process_of(bundle)["scheduler"] = json::object{{"policy", "SCHED_BATCH"}, {"nice", 7}};
    bundle.save();
    // /proc/self/stat field 19 is the nice value, field 41 the policy (SCHED_BATCH = 3).
    auto r = run_script(bundle, "cut -d' ' -f19,41 /proc/self/stat", "set-batch");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "7 3\n");
}

TEST(SpecSettings, SchedulerIdle) {
    it::Bundle bundle;
    process_of(bundle)["scheduler"] = json::object{{"policy", "SCHED_IDLE"}};
    bundle.save();
    auto r = run_script(bundle, "cut -d' ' -f41 /proc/self/stat", "set-idle");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "5\n");
}

TEST(SpecSettings, SchedulerResetOnForkFlagIsNotInherited) {
    it::Bundle bundle;
    process_of(bundle)["scheduler"] =
        json::object{{"policy", "SCHED_OTHER"}, {"nice", -5}, {"flags", strings({"SCHED_FLAG_RESET_ON_FORK"})}};
    bundle.save();
    // The first `cut` is a forked child: reset-on-fork gave it the default nice 0. Pid 1 (the
    // shell, or the last `cut` that the shell exec'd in its place) keeps -5.
    auto r = run_script(bundle, "cut -d' ' -f19 /proc/self/stat; cut -d' ' -f19 /proc/1/stat", "set-rof");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\n-5\n");
}

TEST(SpecSettings, SchedulerFifoNeedsAnRtBudgetAndSaysSo) {
    it::Bundle bundle;
    process_of(bundle)["scheduler"] = json::object{{"policy", "SCHED_FIFO"}, {"priority", 10}};
    bundle.save();
    auto r = run_script(bundle, "cut -d' ' -f40,41 /proc/self/stat", "set-fifo");
    if (r.exit_code == 0) {
        EXPECT_EQ(r.out, "10 1\n");  // rt_priority 10, SCHED_FIFO
    } else {
        // cgroup v1 RT group scheduling gives a new cgroup no RT time: the kernel says EPERM.
        expect_refused(r, "config.json: process.scheduler", "real-time scheduling needs CAP_SYS_NICE");
    }
}

TEST(SpecSettings, SchedulerBadValuesAreRefusedBeforeCreate) {
    struct Case {
        json::object scheduler;
        std::string field, phrase;
    } cases[] = {
        {{{"policy", "SCHED_X"}}, "config.json: process.scheduler.policy", "unknown policy \"SCHED_X\""},
        {{{"policy", "SCHED_OTHER"}, {"nice", 40}}, "config.json: process.scheduler.nice", "must be -20..19"},
        {{{"policy", "SCHED_OTHER"}, {"priority", 5}}, "config.json: process.scheduler.priority",
         "only be given with SCHED_FIFO or SCHED_RR"},
        {{{"policy", "SCHED_OTHER"}, {"runtime", 1000}}, "config.json: process.scheduler",
         "only be given with SCHED_DEADLINE"},
        {{{"policy", "SCHED_OTHER"}, {"flags", strings({"SCHED_FLAG_NOPE"})}},
         "config.json: process.scheduler.flags[0]", "unknown flag \"SCHED_FLAG_NOPE\""},
    };
    for (auto& c : cases) {
        it::Bundle bundle;
        process_of(bundle)["scheduler"] = c.scheduler;
        bundle.save();
        auto r = run_script(bundle, "true", "set-schedbad");
        expect_refused(r, c.field, c.phrase);
    }
}

// ---------------------------------------------------------------- process.ioPriority

TEST(SpecSettings, IoPriorityBestEffortAndIdle) {
    {
        it::Bundle bundle;
        process_of(bundle)["ioPriority"] = json::object{{"class", "IOPRIO_CLASS_BE"}, {"priority", 6}};
        bundle.save();
        auto r = run_script(bundle, "ionice -p $$", "set-iobe");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(r.out, "best-effort: prio 6\n");
    }
    {
        it::Bundle bundle;
        process_of(bundle)["ioPriority"] = json::object{{"class", "IOPRIO_CLASS_IDLE"}, {"priority", 0}};
        bundle.save();
        auto r = run_script(bundle, "ionice -p $$", "set-ioidle");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(r.out, "idle\n");
    }
}

TEST(SpecSettings, IoPriorityRealtime) {
    it::Bundle bundle;
    process_of(bundle)["ioPriority"] = json::object{{"class", "IOPRIO_CLASS_RT"}, {"priority", 2}};
    bundle.save();
    auto r = run_script(bundle, "ionice -p $$", "set-iort");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "realtime: prio 2\n");
}

TEST(SpecSettings, IoPriorityBadValuesAreRefused) {
    it::Bundle bundle;
    process_of(bundle)["ioPriority"] = json::object{{"class", "IOPRIO_CLASS_BE"}, {"priority", 9}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-iobad"), "config.json: process.ioPriority.priority",
                   "must be 0..7");
    process_of(bundle)["ioPriority"] = json::object{{"class", "IOPRIO_CLASS_FAST"}, {"priority", 1}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-iobad"), "config.json: process.ioPriority.class",
                   "unknown I/O priority class \"IOPRIO_CLASS_FAST\"");
}

// ---------------------------------------------------------------- process.execCPUAffinity

TEST(SpecSettings, ExecCpuAffinityFinalWins) {
    if (online_cpus() < 2) GTEST_SKIP() << "needs 2 online CPUs to see an affinity change";
    it::Bundle bundle;
    process_of(bundle)["execCPUAffinity"] = json::object{{"initial", "0"}, {"final", "1"}};
    bundle.save();
    auto r = run_script(bundle, "grep Cpus_allowed_list /proc/self/status", "set-aff");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "Cpus_allowed_list:\t1\n");
}

TEST(SpecSettings, ExecCpuAffinityInitialOnlyStays) {
    if (online_cpus() < 2) GTEST_SKIP() << "needs 2 online CPUs to see an affinity change";
    it::Bundle bundle;
    process_of(bundle)["execCPUAffinity"] = json::object{{"initial", "1"}};
    bundle.save();
    auto r = run_script(bundle, "grep Cpus_allowed_list /proc/self/status", "set-affi");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "Cpus_allowed_list:\t1\n");
}

TEST(SpecSettings, ExecCpuAffinityListSyntax) {
    it::Bundle bundle;
    process_of(bundle)["execCPUAffinity"] = json::object{{"final", "0-1,0"}};
    bundle.save();
    auto r = run_script(bundle, "grep Cpus_allowed_list /proc/self/status", "set-affl");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, online_cpus() >= 2 ? "Cpus_allowed_list:\t0-1\n" : "Cpus_allowed_list:\t0\n");
    process_of(bundle)["execCPUAffinity"] = json::object{{"final", "3-1"}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-affbad"), "config.json: process.execCPUAffinity.final",
                   "invalid CPU list \"3-1\"");
}

// ---------------------------------------------------------------- linux.personality

TEST(SpecSettings, PersonalityDomainAndFlags) {
    it::Bundle bundle;
    linux_of(bundle)["personality"] = json::object{{"domain", "LINUX32"}, {"flags", strings({"ADDR_NO_RANDOMIZE"})}};
    bundle.save();
    // PER_LINUX32 (0x0008) | ADDR_NO_RANDOMIZE (0x0040000); uname reports the 32-bit machine.
    auto r = run_script(bundle, "cat /proc/self/personality; uname -m", "set-pers");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "00040008\ni686\n");
}

TEST(SpecSettings, PersonalityUnknownNamesAreRefused) {
    it::Bundle bundle;
    linux_of(bundle)["personality"] = json::object{{"domain", "LINUX"}, {"flags", strings({"NO_SUCH_FLAG"})}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-persbad"), "config.json: linux.personality.flags[0]",
                   "unknown personality flag \"NO_SUCH_FLAG\"");
    linux_of(bundle)["personality"] = json::object{{"domain", "BSD"}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-persbad"), "config.json: linux.personality.domain",
                   "unknown personality domain \"BSD\"");
}

// ---------------------------------------------------------------- rootfsPropagation

namespace {
// The propagation of the container's "/" as mountinfo's optional fields, peer ids dropped:
// "shared", "master", "shared master", "unbindable" or "" (private).
std::string root_propagation(const std::string& mountinfo_line) {
    std::istringstream in(mountinfo_line);
    std::string field, out;
    for (int i = 0; i < 6 && in >> field; ++i) {
    }
    while (in >> field && field != "-") {
        field = field.substr(0, field.find(':'));
        out += (out.empty() ? "" : " ") + field;
    }
    return out;
}
}  // namespace

TEST(SpecSettings, RootfsPropagationMatchesRunc) {
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with";
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
    for (const char* mode : {"private", "slave", "shared", "unbindable", "rprivate", "rslave", "rshared",
                             "runbindable"}) {
        it::Bundle bundle;
        linux_of(bundle)["rootfsPropagation"] = mode;
        bundle.save();
        const std::string script = "awk '$5 == \"/\"' /proc/self/mountinfo | head -1";
        auto theirs = run_in(runc, bundle, script, "set-prop");
        auto ours = run_in(ocirun, bundle, script, "set-prop");
        ASSERT_EQ(ours.exit_code, theirs.exit_code) << mode << "\n runc: " << theirs.describe()
                                                    << "\n ocirun: " << ours.describe();
        if (theirs.exit_code != 0) continue;  // (r)unbindable: the rootfs cannot be bind-mounted, in both
        if (std::string(mode).find("shared") != std::string::npos) {
            // runc 1.1.5 leaves "/" private here; runtime-spec 1.3 (and runc >= 1.2, which applies
            // the propagation again after pivot_root) make it shared.
            EXPECT_EQ(root_propagation(ours.out), "shared") << mode << ": " << ours.out;
            continue;
        }
        EXPECT_EQ(root_propagation(ours.out), root_propagation(theirs.out))
            << mode << "\n runc:   " << theirs.out << " ocirun: " << ours.out;
    }
}

// ---------------------------------------------------------------- mounts

TEST(SpecSettings, EveryMountTypeIsMounted) {
    it::TempDir host("ocirun-it-mt");
    for (const char* d : {"lower", "upper", "work", "bind/sub"}) fs::create_directories(host.path() / d);
    std::ofstream(host.path() / "lower/low") << "low\n";
    std::ofstream(host.path() / "bind/file") << "bound\n";
    HostTmpfs sub(host.path() / "bind/sub", "size=1m");
    std::ofstream(host.path() / "bind/sub/inner") << "inner\n";

    it::Bundle bundle;
    add_mount(bundle, {{"destination", "/t/tmp"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                       {"options", strings({"size=1m", "mode=700"})}});
    add_mount(bundle, {{"destination", "/t/ovl"}, {"type", "overlay"}, {"source", "overlay"},
                       {"options", strings({"lowerdir=" + (host.path() / "lower").string(),
                                            "upperdir=" + (host.path() / "upper").string(),
                                            "workdir=" + (host.path() / "work").string()})}});
    add_mount(bundle, {{"destination", "/t/bind"}, {"type", "bind"}, {"source", (host.path() / "bind").string()},
                       {"options", strings({"bind"})}});
    add_mount(bundle, {{"destination", "/t/rbind"}, {"type", "bind"}, {"source", (host.path() / "bind").string()},
                       {"options", strings({"rbind"})}});
    // proc, sysfs, devpts, mqueue and cgroup come from the default spec.
    const std::string script =
        "for m in /proc /sys /dev/pts /dev/mqueue /sys/fs/cgroup /t/tmp /t/ovl; do "
        "  awk -v m=$m '$5 == m { for (i = 7; $i != \"-\"; i++); print m, $(i+1) }' /proc/self/mountinfo | tail -1; "
        "done; "
        "stat -c %a /t/tmp; cat /t/ovl/low; echo up > /t/ovl/new; "
        "cat /t/bind/file; ls /t/bind/sub | wc -l; cat /t/rbind/sub/inner";
    auto r = run_script(bundle, script, "set-types");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out,
              "/proc proc\n/sys sysfs\n/dev/pts devpts\n/dev/mqueue mqueue\n/sys/fs/cgroup tmpfs\n"
              "/t/tmp tmpfs\n/t/ovl overlay\n700\nlow\nbound\n0\ninner\n");
    EXPECT_TRUE(fs::exists(host.path() / "upper/new")) << "the overlay's writes go to upperdir";
}

TEST(SpecSettings, RecursiveMountOptionsReachSubmounts) {
    it::TempDir host("ocirun-it-rec");
    fs::create_directories(host.path() / "relatime/sub");
    fs::create_directories(host.path() / "noatime/sub");
    HostTmpfs relatime_sub(host.path() / "relatime/sub", "size=1m");
    HostTmpfs noatime_sub(host.path() / "noatime/sub", "size=1m", MS_NOATIME);
    struct Case {
        const char* source;
        std::vector<std::string> options;
        std::vector<std::string> want;  // in the submount's per-mount options
        std::vector<std::string> unwanted;
    } cases[] = {
        {"relatime", {"rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow", "rnoatime"},
         {"ro", "nosuid", "nodev", "noexec", "nodiratime", "nosymfollow", "noatime"}, {"relatime"}},
        {"relatime", {"rbind", "rstrictatime"}, {"rw"}, {"relatime", "noatime"}},
        {"noatime", {"rbind", "rrelatime"}, {"relatime"}, {"noatime"}},
    };
    it::Runner runc = it::Runner::runc();
    for (const auto& c : cases) {
        it::Bundle bundle;
        add_mount(bundle, {{"destination", "/m"}, {"type", "bind"}, {"source", (host.path() / c.source).string()},
                           {"options", strings(c.options)}});
        const std::string script = "awk '$5 == \"/m/sub\" { print $6 }' /proc/self/mountinfo";
        auto r = run_script(bundle, script, "set-rec");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        std::string opts = "," + r.out.substr(0, r.out.find('\n')) + ",";
        for (const auto& o : c.want) EXPECT_TRUE(contains(opts, "," + o + ",")) << o << " missing in " << opts;
        for (const auto& o : c.unwanted) EXPECT_FALSE(contains(opts, "," + o + ",")) << o << " present in " << opts;
        if (it::runc_available()) {
            auto theirs = run_in(runc, bundle, script, "set-rec");
            EXPECT_EQ(r.out, theirs.out) << "runc: " << theirs.describe();
        }
    }
}

TEST(SpecSettings, IdmappedBindMountShowsMappedOwners) {
    it::TempDir host("ocirun-it-idmap");
    // Searchable by the container's root, which has no CAP_DAC_OVERRIDE in the default spec.
    fs::permissions(host.path(), fs::perms(0755));
    std::ofstream(host.path() / "root-owned") << "x";
    std::ofstream(host.path() / "user-owned") << "y";
    ASSERT_EQ(::chown((host.path() / "user-owned").c_str(), 1000, 1000), 0);
    it::Bundle bundle;
    json::array uids{json::object{{"containerID", 0}, {"hostID", 4000}, {"size", 1}}};
    json::array gids{json::object{{"containerID", 0}, {"hostID", 5000}, {"size", 1}}};
    add_mount(bundle, {{"destination", "/idm"}, {"type", "bind"}, {"source", host.path().string()},
                       {"options", strings({"rbind", "idmap"})}, {"uidMappings", uids}, {"gidMappings", gids}});
    auto r = run_script(bundle, "stat -c '%n %u:%g' /idm/root-owned /idm/user-owned; touch /idm/new 2>/dev/null || echo refused",
                        "set-idmap");
    if (r.exit_code != 0 && contains(r.err, "does the source's filesystem support idmapped mounts"))
        GTEST_SKIP() << "the filesystem of " << host.path() << " has no idmapped mounts: " << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // On-disk 0 shows as 4000:5000; 1000 is outside the mapping: the overflow ids.
    // Written as root (0 in the container, unmapped in the mount's view): refused by the kernel.
    EXPECT_EQ(r.out, "/idm/root-owned 4000:5000\n/idm/user-owned 65534:65534\nrefused\n") << r.describe();
    EXPECT_FALSE(fs::exists(host.path() / "new"));
    // The host view is unchanged.
    struct stat st {};
    ASSERT_EQ(::stat((host.path() / "root-owned").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
}

TEST(SpecSettings, IdmappedMountRefusals) {
    it::Bundle bundle;
    add_mount(bundle, {{"destination", "/idm"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                       {"options", strings({"idmap"})}});
    expect_refused(run_script(bundle, "true", "set-idbad"), "config.json: mounts[", "only supported for bind mounts");
    it::Bundle plain;
    add_mount(plain, {{"destination", "/idm"}, {"type", "bind"}, {"source", "/tmp"},
                      {"options", strings({"rbind", "idmap"})}});
    expect_refused(run_script(plain, "true", "set-idbad"), "uidMappings", "needs both uidMappings and gidMappings");
}

TEST(SpecSettings, TmpcopyupKeepsTheDirectorysContents) {
    it::Bundle bundle;
    fs::create_directories(bundle.rootfs() / "data/sub");
    std::ofstream(bundle.rootfs() / "data/sub/file") << "kept\n";
    fs::create_symlink("sub/file", bundle.rootfs() / "data/link");
    add_mount(bundle, {{"destination", "/data"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                       {"options", strings({"tmpcopyup", "mode=755"})}});
    auto r = run_script(bundle,
                        "cat /data/sub/file; readlink /data/link; echo new > /data/sub/file; cat /data/sub/file; "
                        "awk '$5 == \"/data\" { for (i = 7; $i != \"-\"; i++); print $(i+1) }' /proc/self/mountinfo",
                        "set-copyup");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "kept\nsub/file\nnew\ntmpfs\n");
    std::ifstream on_disk(bundle.rootfs() / "data/sub/file");
    std::string line;
    std::getline(on_disk, line);
    EXPECT_EQ(line, "kept") << "the rootfs under the tmpfs must be untouched";
}

TEST(SpecSettings, ReadonlyRootIsReadOnlyInMountinfo) {
    it::Bundle bundle;
    bundle.set_readonly(true);
    auto r = run_script(bundle, "awk '$5 == \"/\" { split($6, o, \",\"); print o[1] }' /proc/self/mountinfo", "set-ro");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "ro\n");
}

// ---------------------------------------------------------------- sysctl

TEST(SpecSettings, SysctlAppliedInTheContainersNamespaces) {
    it::Bundle bundle;
    linux_of(bundle)["sysctl"] = json::object{{"net.ipv4.ip_forward", "1"}, {"kernel.shmmni", "1234"}};
    bundle.save();
    auto r = run_script(bundle, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", "set-sysctl");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "1\n1234\n");
}

TEST(SpecSettings, SysctlOutsideTheContainersNamespacesIsRefusedLikeRunc) {
    struct Case {
        std::string key, drop_namespace, phrase;
    } cases[] = {
        {"net.ipv4.ip_forward", "network", "not allowed in host network namespace"},
        {"kernel.shmmax", "ipc", "is not allowed in the hosts ipc namespace"},
        {"vm.swappiness", "", "is not in a separate kernel namespace"},
        {"kernel.hostname", "", "is not allowed as it conflicts with the OCI \"hostname\" field"},
    };
    for (const auto& c : cases) {
        it::Bundle bundle;
        if (!c.drop_namespace.empty()) bundle.remove_namespace(c.drop_namespace);
        linux_of(bundle)["sysctl"] = json::object{{c.key, "1"}};
        bundle.save();
        auto ours = run_script(bundle, "true", "set-sysbad");
        expect_refused(ours, "config.json: linux.sysctl", c.phrase);
        if (it::runc_available()) {
            it::Runner runc = it::Runner::runc();
            auto theirs = run_in(runc, bundle, "true", "set-sysbad");
            EXPECT_TRUE(contains(theirs.err, c.phrase)) << "the oracle changed: " << theirs.describe();
        }
    }
}

// ---------------------------------------------------------------- refusals

TEST(SpecSettings, HostnameWithoutUtsNamespaceIsRefusedLikeRunc) {
    it::Bundle bundle;
    bundle.remove_namespace("uts");
    bundle.set_hostname("nouts");
    const std::string phrase = "unable to set hostname without a private UTS namespace";
    expect_refused(run_script(bundle, "true", "set-nouts"), "config.json: hostname", phrase);
    if (it::runc_available()) {
        it::Runner runc = it::Runner::runc();
        EXPECT_TRUE(contains(run_in(runc, bundle, "true", "set-nouts").err, phrase));
    }
}

TEST(SpecSettings, IntelRdtIsRefusedWithoutResctrl) {
    if (fs::exists("/sys/fs/resctrl/schemata")) GTEST_SKIP() << "resctrl is mounted here: the other refusal applies";
    it::Bundle bundle;
    linux_of(bundle)["intelRdt"] = json::object{{"closID", "ocirun-test"}, {"l3CacheSchema", "L3:0=f"}};
    bundle.save();
    expect_refused(run_script(bundle, "true", "set-rdt"), "config.json: linux.intelRdt",
                   "Intel RDT is not enabled on this host");
}

TEST(SpecSettings, LsmLabelsFailClearlyWithoutAWorkingLsm) {
    if (fs::exists("/sys/kernel/security/apparmor") || fs::exists("/sys/fs/selinux/enforce"))
        GTEST_SKIP() << "an LSM is active on this host: labels may apply";
    struct Case {
        std::function<void(it::Bundle&)> set;
        std::string field_or_lsm;
    } cases[] = {
        {[](it::Bundle& b) { process_of(b)["apparmorProfile"] = "ocirun-test"; }, "apparmor"},
        {[](it::Bundle& b) { process_of(b)["selinuxLabel"] = "system_u:system_r:container_t:s0"; }, "selinux"},
        {[](it::Bundle& b) { linux_of(b)["mountLabel"] = "system_u:object_r:container_file_t:s0"; }, "selinux"},
    };
    for (auto& c : cases) {
        it::Bundle bundle;
        c.set(bundle);
        bundle.save();
        auto r = run_script(bundle, "true", "set-lsm");
        EXPECT_NE(r.exit_code, 0) << r.describe();
        EXPECT_TRUE(contains(r.err, c.field_or_lsm)) << r.describe();
    }
}

TEST(SpecSettings, UnsupportedLinuxFieldsAreRefusedNotIgnored) {
    struct Case {
        const char* field;
        json::value value;
    } cases[] = {
        {"memoryPolicy", json::object{{"mode", "MPOL_BIND"}, {"nodes", "0"}}},
        {"netDevices", json::object{{"eth7", json::object{{"name", "eth7"}}}}},
    };
    for (auto& c : cases) {
        it::Bundle bundle;
        linux_of(bundle)[c.field] = c.value;
        bundle.save();
        expect_refused(run_script(bundle, "true", "set-unsup"), std::string("config.json: linux.") + c.field,
                       "not supported by ocirun yet");
    }
}

// ---------------------------------------------------------------- namespaces

TEST(SpecSettings, TimeNamespaceOffsets) {
    it::Bundle bundle;
    linux_of(bundle)["namespaces"].as_array().push_back(json::object{{"type", "time"}});
    linux_of(bundle)["timeOffsets"] = json::object{{"boottime", json::object{{"secs", 1000000}, {"nanosecs", 0}}},
                                                   {"monotonic", json::object{{"secs", 2000000}, {"nanosecs", 0}}}};
    bundle.save();
    double host_uptime = 0;
    std::ifstream("/proc/uptime") >> host_uptime;
    // /proc/uptime follows CLOCK_BOOTTIME; the time namespace is also what `exec` joins.
    auto r = run_script(bundle, "cut -d' ' -f1 /proc/uptime; readlink /proc/self/ns/time", "set-time");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const double uptime = std::stod(r.out);
    EXPECT_GE(uptime, host_uptime + 1000000) << r.out;
    EXPECT_LT(uptime, host_uptime + 1000000 + 120) << r.out;
    char host_ns[64] = {};
    ASSERT_GT(::readlink("/proc/self/ns/time", host_ns, sizeof host_ns - 1), 0);
    EXPECT_FALSE(contains(r.out, host_ns)) << "the container must not share the host's time namespace";
}

// Every namespace the bundle asks for is a new one and every other one is the host's, whether
// clone() made it or the init unshared it (ocirun's init unshares all but the pid namespace
// itself when there is no user namespace and nothing is joined by path). Same answers as runc.
TEST(SpecSettings, RequestedNamespacesAreNewAndTheOthersAreTheHosts) {
    const std::vector<std::string> kinds = {"net", "ipc", "uts", "mnt", "pid"};
    std::string script;
    for (const auto& k : kinds) script += "readlink /proc/self/ns/" + k + "; ";
    auto host_ns = [](const std::string& kind) {
        char link[64] = {};
        EXPECT_GT(::readlink(("/proc/self/ns/" + kind).c_str(), link, sizeof link - 1), 0);
        return std::string(link);
    };
    for (const std::string dropped : {"", "network", "ipc", "uts"}) {
        SCOPED_TRACE("without namespace: " + (dropped.empty() ? std::string("(none)") : dropped));
        it::Bundle bundle;
        if (!dropped.empty()) bundle.remove_namespace(dropped);
        if (dropped == "uts") bundle.set_hostname("");  // a hostname needs its own uts namespace
        bundle.save();
        auto r = run_script(bundle, script, "set-ns");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        std::istringstream lines(r.out);
        for (const auto& k : kinds) {
            std::string inside;
            std::getline(lines, inside);
            const bool shared = (k == "net" && dropped == "network") || k == dropped;
            if (shared) EXPECT_EQ(inside, host_ns(k)) << k << " should be the host's";
            else EXPECT_NE(inside, host_ns(k)) << k << " should be new";
        }
        it::Runner runc = it::Runner::runc();
        auto oracle = run_in(runc, bundle, script, "set-ns-runc");
        ASSERT_EQ(oracle.exit_code, 0) << oracle.describe();
        std::istringstream ours(r.out), theirs(oracle.out);
        for (const auto& k : kinds) {
            std::string a, b;
            std::getline(ours, a);
            std::getline(theirs, b);
            EXPECT_EQ(a == host_ns(k), b == host_ns(k)) << k << ": runc differs on whether it is the host's";
        }
    }
}

TEST(SpecSettings, JoiningAnotherContainersNamespaceByPath) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle first;
    first.set_hostname("first-ct");
    first.set_args({"sleep", "30"});
    const auto first_id = it::unique_id("set-join1");
    auto created = ocirun({"create", "--bundle", first.path().string(), first_id});
    ASSERT_EQ(created.exit_code, 0) << created.describe();
    const auto pid = ocirun.state(first_id).at("pid").as_int64();

    it::Bundle second;
    second.set_hostname("");  // joined, not set: the first container's name must show
    for (auto& ns : linux_of(second)["namespaces"].as_array()) {
        auto& o = ns.as_object();
        if (o["type"] == "uts" || o["type"] == "ipc")
            o["path"] = "/proc/" + std::to_string(pid) + "/ns/" + std::string(o["type"].as_string());
    }
    second.save();
    auto r = run_in(ocirun, second,
                    "hostname; readlink /proc/self/ns/ipc", "set-join2");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    char first_ipc[64] = {};
    const std::string link = "/proc/" + std::to_string(pid) + "/ns/ipc";
    ASSERT_GT(::readlink(link.c_str(), first_ipc, sizeof first_ipc - 1), 0);
    EXPECT_EQ(r.out, "first-ct\n" + std::string(first_ipc) + "\n");
    ocirun({"delete", "--force", first_id});
    EXPECT_EQ(it::leftovers(ocirun, first_id, first), kNothing);
}

// ---------------------------------------------------------------- cgroup namespace

// A private cgroup namespace is rooted at the container's own cgroup, as with runc: the
// container sees "/" as its cgroup in every hierarchy and, in its cgroup mount, only itself.
TEST(SpecSettings, CgroupNamespaceIsRootedAtTheContainersCgroup) {
    it::Bundle bundle;
    bundle.remove_namespace("cgroup");
    json::object cgroup_ns;
    cgroup_ns["type"] = "cgroup";
    linux_of(bundle)["namespaces"].as_array().push_back(cgroup_ns);
    bundle.save();
    const std::string script = "cut -d: -f3 /proc/self/cgroup | sort -u; cat /sys/fs/cgroup/pids/tasks";
    auto r = run_script(bundle, script, "set-cgns");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "/\n1\n") << r.describe();
    it::Runner runc = it::Runner::runc();
    auto oracle = run_in(runc, bundle, script, "set-cgns-runc");
    ASSERT_EQ(oracle.exit_code, 0) << oracle.describe();
    EXPECT_EQ(r.out, oracle.out) << "runc differs";
}
