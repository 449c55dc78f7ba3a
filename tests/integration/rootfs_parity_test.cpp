// Issue 13, items 4 and 7 (rootfs and namespaces): configurations runc 1.1.5 runs (or refuses)
// that ocirun handled differently. Each test runs the same bundle through runc and ocirun and
// expects the same outcome; nothing of ocirun's container may be left behind.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;

#define REQUIRE_RUNC() \
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: nothing to compare with"

json::object& linux_of(it::Bundle& b) { return b.config().at("linux").as_object(); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `run` of the bundle, foreground, with `flags` before the id.
it::CommandResult run(const it::Runner& rt, const it::Bundle& bundle, const std::string& id,
                      const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"run", "--bundle", bundle.path().string()};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(id);
    return rt(args, {.timeout = 30s});
}

// Both runtimes, runc first.
struct Runtimes {
    it::Runner runc = it::Runner::runc();
    it::Runner ocirun = it::Runner::ocirun();
};

// ------------------------------------------------------------------ item 4: no mount namespace

// A bundle without a "mount" namespace (and so without maskedPaths/readonlyPaths, which runc
// refuses there): the container runs chrooted into its rootfs, in the caller's mount namespace.
void drop_mount_namespace(it::Bundle& b) {
    b.remove_namespace("mount");
    linux_of(b).erase("maskedPaths");
    linux_of(b).erase("readonlyPaths");
    b.save();
}

// `RUNTIME run` inside a private mount namespace of the test (so the container's mounts, which
// land in the caller's namespace, never reach the host), then what of the bundle that namespace
// still has mounted once the runtime is gone.
it::CommandResult run_in_private_mount_namespace(const it::Runner& rt, const it::Bundle& bundle, const std::string& id) {
    const std::string rootfs = bundle.rootfs().string();
    return it::shell(rt, "unshare -m --propagation private sh -c '$OCIRUN run --bundle " + bundle.path().string() + " " +
                             id + "; echo rc=$?; grep -c \" " + rootfs + "\" /proc/self/mountinfo'");
}

TEST(RootfsParity, NoMountNamespaceRunsChrootedLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    drop_mount_namespace(bundle);
    bundle.set_args({"sh", "-c", "ls /; pwd; cat /proc/1/cmdline | tr '\\0' ' '; echo"});
    const std::string id = it::unique_id("rfp-nomnt");
    const auto runc = run_in_private_mount_namespace(rts.runc, bundle, id);
    const auto ours = run_in_private_mount_namespace(rts.ocirun, bundle, id);
    ASSERT_EQ(runc.exit_code, 0) << runc.describe();
    ASSERT_EQ(ours.exit_code, 0) << ours.describe();
    // Output up to the mount count: the rootfs as "/" (the host's "/" is out of reach), cwd, and
    // the container's own pid namespace.
    auto head = [](const std::string& out) { return out.substr(0, out.find("rc=")); };
    EXPECT_EQ(head(ours.out), head(runc.out)) << "runc: " << runc.describe() << "\nocirun: " << ours.describe();
    EXPECT_TRUE(contains(ours.out, "rc=0\n")) << ours.describe();
    EXPECT_EQ(head(runc.out), "bin\ndev\netc\nproc\nroot\nsys\ntmp\n/\nsh -c ls /; pwd; cat /proc/1/cmdline | tr '\\0' ' '; echo \n");
    // The documented consequence, as with runc: the caller's namespace keeps the container's
    // mounts (rootfs, /proc, /dev, ...) after delete.
    auto count = [](const std::string& out) { return std::atoi(out.substr(out.find("rc=0\n") + 5).c_str()); };
    EXPECT_GT(count(runc.out), 0) << runc.describe();
    EXPECT_GT(count(ours.out), 0) << ours.describe();
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

TEST(RootfsParity, NoMountNamespaceStillRefusesMaskedPathsLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    bundle.remove_namespace("mount");  // maskedPaths stay
    bundle.set_args({"true"});
    const std::string id = it::unique_id("rfp-nomask");
    const auto runc = run_in_private_mount_namespace(rts.runc, bundle, id);
    const auto ours = run_in_private_mount_namespace(rts.ocirun, bundle, id);
    const std::string phrase = "unable to restrict sys entries without a private MNT namespace";
    EXPECT_TRUE(contains(runc.err, phrase)) << runc.describe();
    EXPECT_TRUE(contains(ours.err, phrase)) << ours.describe();
    EXPECT_TRUE(contains(ours.out, "rc=1\n0\n")) << "refused before any mount: " << ours.describe();
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

// `exec` into such a container: runc 1.1 leaves the exec'd process in the caller's "/" (it has no
// mount namespace to join); ocirun chroots it into the init's root, on purpose (documented).
TEST(RootfsParity, NoMountNamespaceExecStaysInTheRootfs) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    drop_mount_namespace(bundle);
    bundle.set_args({"sleep", "1000"});
    const std::string id = it::unique_id("rfp-nomnt-exec");
    const auto r = it::shell(ocirun, "unshare -m --propagation private sh -c '"
                                     "$OCIRUN run -d --bundle " + bundle.path().string() + " " + id +
                                     " </dev/null >/dev/null 2>&1 || exit 9; $OCIRUN exec " + id +
                                     " sh -c \"ls /; pwd\"; echo rc=$?; $OCIRUN delete -f " + id + "'");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "bin\ndev\netc\nproc\nroot\nsys\ntmp\n/\nrc=0\n") << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// ------------------------------------------------------------------ item 4: pid namespace by path

// B joins A's pid namespace: B's /proc shows A's init as pid 1; B is managed like any container.
void expect_joined_pid_namespace_works(const it::Runner& rt, std::string& seen) {
    it::DetachedContainer a(rt, "rfp-pida");
    START_OR_FAIL(a);
    const std::string ns_path = "/proc/" + std::to_string(a.init_pid()) + "/ns/pid";
    auto join_a = [&](it::Bundle& b) {
        b.remove_namespace("pid");
        linux_of(b)["namespaces"].as_array().push_back(json::object{{"type", "pid"}, {"path", ns_path}});
        b.save();
    };

    it::Bundle b;
    join_a(b);
    b.set_args({"sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; test $$ != 1 && echo not-pid-1"});
    const std::string id = it::unique_id("rfp-pidb");
    const auto r = run(rt, b, id);
    ASSERT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
    seen = r.out;
    EXPECT_EQ(it::leftovers(rt, id, b), kNothing) << rt.name();

    // Detached: state answers with its (host) pid, delete --force removes it and leaves A alone.
    it::DetachedContainer b2(rt, "rfp-pidb2", join_a);
    START_OR_FAIL(b2);
    EXPECT_GT(b2.init_pid(), 0) << rt.name();
    EXPECT_EQ(std::string(rt.state(b2.id()).at("status").as_string()), "running") << rt.name();
    auto in_b2 = b2.exec({}, {"cat", "/proc/1/cmdline"});
    EXPECT_EQ(in_b2.exit_code, 0) << rt.name() << ": " << in_b2.describe();
    EXPECT_EQ(in_b2.out, std::string("sleep\0" "1000\0", 11)) << rt.name();
    auto del = rt({"delete", "--force", b2.id()});
    EXPECT_EQ(del.exit_code, 0) << rt.name() << ": " << del.describe();
    EXPECT_EQ(std::string(rt.state(a.id()).at("status").as_string()), "running") << rt.name();
}

TEST(RootfsParity, PidNamespaceJoinedByPathLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    std::string runc_out, our_out;
    expect_joined_pid_namespace_works(rts.runc, runc_out);
    expect_joined_pid_namespace_works(rts.ocirun, our_out);
    EXPECT_EQ(runc_out, "sleep 1000 \nnot-pid-1\n");
    EXPECT_EQ(our_out, runc_out);
}

// ------------------------------------------------------------------ item 7: symlinked /proc, /sys

TEST(RootfsParity, ProcOrSysfsOnASymlinkIsRefusedLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    struct Case {
        std::string dir, target, type;
    };
    for (const Case& c : {Case{"proc", "/tmp", "proc"}, Case{"proc", "sys", "proc"}, Case{"sys", "/tmp", "sysfs"},
                          Case{"sys", "proc", "sysfs"}}) {
        SCOPED_TRACE(c.dir + " -> " + c.target);
        it::Bundle bundle;
        bundle.set_args({"true"});
        fs::remove(bundle.rootfs() / c.dir);
        fs::create_symlink(c.target, bundle.rootfs() / c.dir);
        const std::string id = it::unique_id("rfp-symlink");
        const auto runc = run(rts.runc, bundle, id);
        const auto ours = run(rts.ocirun, bundle, id);
        // logrus quotes the message: its double quotes come backslashed.
        const std::string phrase = "filesystem \\\"" + c.type + "\\\" must be mounted on ordinary directory";
        EXPECT_NE(runc.exit_code, 0) << runc.describe();
        EXPECT_NE(ours.exit_code, 0) << ours.describe();
        EXPECT_TRUE(contains(runc.err, phrase)) << "the oracle changed: " << runc.describe();
        EXPECT_TRUE(contains(ours.err, phrase)) << ours.describe();
        EXPECT_TRUE(contains(ours.err, "(/" + c.dir + ")")) << "names the mount destination: " << ours.describe();
        EXPECT_TRUE(fs::is_symlink(bundle.rootfs() / c.dir));
        EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
    }
}

// ------------------------------------------------------------------ item 7: --no-pivot and bare /proc

// runc's "runc run --no-pivot must not expose bare /proc": a nested user namespace may mount a
// fresh proc only when a whole, uncovered proc is mounted somewhere in its mount namespace; with
// --no-pivot the host's /proc stays under the moved root unless the runtime detaches it.
// CAP_SETFCAP: this kernel wants it to map uid 0 in the nested user namespace.
TEST(RootfsParity, NoPivotDoesNotExposeABareProcLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    auto& caps = bundle.config().at("process").as_object()["capabilities"].as_object();
    for (const char* set : {"bounding", "effective", "permitted"}) caps[set].as_array().push_back("CAP_SETFCAP");
    bundle.save();
    bundle.set_args({"unshare", "-mrpf", "sh", "-c", "mount -t proc none /proc && echo mounted a bare proc"});
    for (const auto& flags : {std::vector<std::string>{"--no-pivot"}, std::vector<std::string>{}}) {
        SCOPED_TRACE(flags.empty() ? "pivot_root" : "--no-pivot");
        const std::string id = it::unique_id("rfp-nopivot");
        const auto runc = run(rts.runc, bundle, id, flags);
        const auto ours = run(rts.ocirun, bundle, id, flags);
        EXPECT_EQ(runc.exit_code, 1) << runc.describe();
        EXPECT_TRUE(contains(runc.err, "mount: permission denied")) << "the oracle changed: " << runc.describe();
        EXPECT_EQ(ours.exit_code, runc.exit_code) << ours.describe();
        EXPECT_TRUE(contains(ours.err, "mount: permission denied")) << ours.describe();
        EXPECT_EQ(ours.out, "");
        EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
    }
}

// ------------------------------------------------------------------ item 7: read-only /dev

// A read-only /dev tmpfs followed by /dev/pts, /dev/shm and /dev/mqueue: runc makes /dev
// read-only only after its mount points and device nodes exist.
TEST(RootfsParity, ReadOnlyDevGetsItsMountPointsFirstLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::Bundle bundle;
    for (auto& m : bundle.config().at("mounts").as_array()) {
        auto& mount = m.as_object();
        if (mount.at("destination") == "/dev") mount["options"].as_array().push_back("ro");
    }
    bundle.save();
    bundle.set_args({"sh", "-c",
                     "test -d /dev/pts && test -d /dev/shm && test -c /dev/null && echo nodes; "
                     "touch /dev/new 2>/dev/null || echo read-only; "
                     "awk '$5 == \"/dev\" { split($6, o, \",\"); print o[1] }' /proc/self/mountinfo"});
    const std::string id = it::unique_id("rfp-rodev");
    const auto runc = run(rts.runc, bundle, id);
    const auto ours = run(rts.ocirun, bundle, id);
    ASSERT_EQ(runc.exit_code, 0) << runc.describe();
    EXPECT_EQ(runc.out, "nodes\nread-only\nro\n");
    EXPECT_EQ(ours.exit_code, 0) << ours.describe();
    EXPECT_EQ(ours.out, runc.out) << ours.describe();
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

// A read-only *bind* at /dev is remounted read-only at once by runc too: a later mount point the
// source lacks cannot be made, and both refuse, naming it.
TEST(RootfsParity, ReadOnlyDevBindMissingAMountPointIsRefusedLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::TempDir dev_source("ocirun-it-devsrc");
    fs::create_directories(dev_source.path() / "pts");  // no shm, no mqueue
    it::Bundle bundle;
    for (auto& m : bundle.config().at("mounts").as_array()) {
        auto& mount = m.as_object();
        if (mount.at("destination") != "/dev") continue;
        mount["type"] = "bind";
        mount["source"] = dev_source.path().string();
        mount["options"] = json::array{"rbind", "ro"};
    }
    bundle.save();
    bundle.set_args({"true"});
    const std::string id = it::unique_id("rfp-rodevbind");
    const auto runc = run(rts.runc, bundle, id);
    const auto ours = run(rts.ocirun, bundle, id);
    EXPECT_NE(runc.exit_code, 0) << runc.describe();
    EXPECT_NE(ours.exit_code, 0) << ours.describe();
    for (const auto* r : {&runc, &ours}) {
        EXPECT_TRUE(contains(r->err, "/dev/shm")) << r->describe();
        EXPECT_TRUE(contains(r->err, "ead-only file system")) << r->describe();
    }
    EXPECT_FALSE(fs::exists(dev_source.path() / "shm"));
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

// ------------------------------------------------------------------ item 7: userns bind sources

// In a user namespace the container's root is host uid 100000, which cannot search a 0700
// directory of the host's root; runc opens bind sources before that matters.
TEST(RootfsParity, UserNamespaceBindSourceOnlyHostRootCanReachLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::TempDir secret("ocirun-it-secret");  // 0700, owned by root
    ::chmod(secret.path().c_str(), 0700);
    fs::create_directories(secret.path() / "data");
    std::ofstream(secret.path() / "data/file") << "only host root reaches this\n";
    std::ofstream(secret.path() / "lone-file") << "a file source\n";

    it::Bundle bundle;
    auto& lx = linux_of(bundle);
    lx["namespaces"].as_array().push_back(json::object{{"type", "user"}});
    const json::array map{json::object{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    lx["uidMappings"] = map;
    lx["gidMappings"] = map;
    auto& mounts = bundle.config().at("mounts").as_array();
    mounts.push_back(json::object{{"destination", "/data"}, {"type", "bind"},
                                  {"source", (secret.path() / "data").string()},
                                  {"options", json::array{"rbind", "ro"}}});
    mounts.push_back(json::object{{"destination", "/etc/lone-file"}, {"type", "bind"},
                                  {"source", (secret.path() / "lone-file").string()},
                                  {"options", json::array{"bind"}}});
    bundle.save();
    fs::create_directories(bundle.rootfs() / "data");  // the mapped root cannot create it
    fs::permissions(bundle.path(), fs::perms(0755));   // nor reach a 0700 bundle
    ::close(::open((bundle.rootfs() / "etc/lone-file").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    bundle.set_args({"sh", "-c", "cat /data/file /etc/lone-file; touch /data/x 2>/dev/null || echo read-only"});
    const std::string id = it::unique_id("rfp-userns-src");
    const auto runc = run(rts.runc, bundle, id);
    const auto ours = run(rts.ocirun, bundle, id);
    ASSERT_EQ(runc.exit_code, 0) << runc.describe();
    EXPECT_EQ(runc.out, "only host root reaches this\na file source\nread-only\n");
    EXPECT_EQ(ours.exit_code, 0) << ours.describe();
    EXPECT_EQ(ours.out, runc.out) << ours.describe();
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

// The runtime's help must not unlock what the kernel locks: a source on a read-only host mount
// stays read-only for the container's root, which cannot remount it read-write (runc: same).
TEST(RootfsParity, UserNamespaceBindSourceKeepsTheHostsLockedFlagsLikeRunc) {
    REQUIRE_RUNC();
    Runtimes rts;
    it::TempDir source("ocirun-it-rosrc");
    ::chmod(source.path().c_str(), 0700);
    fs::create_directories(source.path() / "data");
    it::Bundle bundle;
    auto& lx = linux_of(bundle);
    lx["namespaces"].as_array().push_back(json::object{{"type", "user"}});
    const json::array map{json::object{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    lx["uidMappings"] = map;
    lx["gidMappings"] = map;
    bundle.config().at("mounts").as_array().push_back(json::object{
        {"destination", "/data"}, {"type", "bind"}, {"source", (source.path() / "data").string()},
        {"options", json::array{"rbind"}}});
    auto& caps = bundle.config().at("process").as_object()["capabilities"].as_object();
    for (const char* set : {"bounding", "effective", "permitted"}) caps[set].as_array().push_back("CAP_SYS_ADMIN");
    bundle.save();
    fs::create_directories(bundle.rootfs() / "data");
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.set_args({"sh", "-c", "mount -o remount,bind,rw /data 2>/dev/null && echo unlocked || echo locked"});
    // The source is made a read-only mount in a private mount namespace of the test only.
    auto run_over_readonly_source = [&](const it::Runner& rt, const std::string& id) {
        const std::string dir = (source.path() / "data").string();
        return it::shell(rt, "unshare -m --propagation private sh -c 'mount --bind " + dir + " " + dir +
                                 " && mount -o remount,bind,ro " + dir + " && $OCIRUN run --bundle " +
                                 bundle.path().string() + " " + id + "'");
    };
    const std::string id = it::unique_id("rfp-userns-lock");
    const auto runc = run_over_readonly_source(rts.runc, id);
    const auto ours = run_over_readonly_source(rts.ocirun, id);
    ASSERT_EQ(runc.exit_code, 0) << runc.describe();
    EXPECT_EQ(runc.out, "locked\n");
    EXPECT_EQ(ours.exit_code, 0) << ours.describe();
    EXPECT_EQ(ours.out, runc.out) << ours.describe();
    EXPECT_EQ(it::leftovers(rts.ocirun, id, bundle), kNothing);
}

}  // namespace
