// checkpoint / restore through the criu plugin.
//
// Checkpoint.*: what needs no dump (flags, error texts, criu absent, bad image path): run on
// any host. CheckpointV2.*: real dumps and restores, in the test VM (`ctest -L v2`), where
// Debian's CRIU works; elsewhere they skip with `criu check`'s reason (on the dev host's
// kernel CRIU 3.17 fails its vDSO check). runc is the oracle where it applies.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "harness.hpp"
#include "harness_console.hpp"

namespace it = ocirun::it;
using namespace std::chrono_literals;

namespace {

// "" when CRIU can dump here, else why not.
std::string criu_unusable() {
    auto r = it::run_command({"sh", "-c", "command -v criu >/dev/null || { echo criu not installed; exit 1; }; criu check 2>&1"});
    if (r.exit_code == 0) return {};
    return "CRIU cannot checkpoint on this kernel (the test VM can): " + r.out.substr(0, r.out.find('\n'));
}

#define REQUIRE_CRIU()                                        \
    do {                                                      \
        if (auto why = criu_unusable(); !why.empty()) GTEST_SKIP() << why; \
    } while (0)

// A shell loop that writes an ever growing counter to /tmp/count in the rootfs.
const std::string kCounterLoop =
    "i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done";
const std::vector<std::string> kCounter = {"sh", "-c", kCounterLoop};

// tests/checkpoint-holder's static program, copied to /bin/holder in the bundle's rootfs.
void add_holder(const it::Bundle& b) {
    std::filesystem::copy_file(OCIRUN_TEST_CHECKPOINT_HOLDER, b.rootfs() / "bin/holder",
                               std::filesystem::copy_options::overwrite_existing);
}

// Closes a pty master (or any fd) however the test ends.
struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

long counter(const it::Bundle& b) {
    const std::string text = it::read_file(b.rootfs() / "tmp/count");
    try {
        return text.empty() ? -1 : std::stol(text);
    } catch (const std::exception&) {
        return -1;
    }
}

// Waits until the counter exceeds `above`; returns its value.
long counter_exceeds(const it::Bundle& b, long above, std::chrono::milliseconds timeout = 20s) {
    long now = -1;
    it::eventually([&] { return (now = counter(b)) > above; }, timeout);
    return now;
}

std::string status_of(const it::Runner& rt, const std::string& id) {
    auto r = rt({"state", id});
    if (r.exit_code != 0) return "absent";
    return std::string(rt.state(id).at("status").as_string());
}

struct Started {
    it::Bundle bundle;
    std::string id;
};

// A detached counter container under `rt`; `run_flags` go before --bundle.
void start_counter(const it::Runner& rt, Started& c, const std::vector<std::string>& args = kCounter,
                   const std::vector<std::string>& run_flags = {}) {
    c.bundle.set_args(args);
    c.bundle.set_readonly(false);  // the counter file is written in the rootfs
    c.id = it::unique_id("cr");
    // In the VM: below the delegated test cgroup (the runner's own cgroup has processes).
    if (const char* base = std::getenv("OCIRUN_VM_TEST_CGROUP")) {
        c.bundle.config()["linux"].as_object()["cgroupsPath"] =
            "/" + std::filesystem::relative(base, "/sys/fs/cgroup").string() + "/" + c.id;
        c.bundle.save();
    }
    std::vector<std::string> args_run{"run", "-d"};
    args_run.insert(args_run.end(), run_flags.begin(), run_flags.end());
    args_run.insert(args_run.end(), {"--bundle", c.bundle.path().string(), c.id});
    auto r = rt(args_run);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_GT(counter_exceeds(c.bundle, 0), 0) << "the counter never started";
}

// `checkpoint [flags] --image-path IMAGES ID` (CRIU takes its time under TCG).
it::CommandResult checkpoint(const it::Runner& rt, const std::string& id, const std::filesystem::path& images,
                             const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"checkpoint"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"--image-path", images.string(), id});
    return rt(args, {.timeout = 120s});
}

// `restore -d [flags] --image-path IMAGES --bundle BUNDLE ID`.
it::CommandResult restore(const it::Runner& rt, const std::string& id, const std::filesystem::path& images,
                          const it::Bundle& bundle, const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"restore", "-d"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"--image-path", images.string(), "--bundle", bundle.path().string(), id});
    return rt(args, {.timeout = 120s});
}

// checkpoint, then restore; the counter must go on from where it was (not restart at 1).
void checkpoint_restore_counter(const it::Runner& rt, const std::string& restore_id,
                                const std::vector<std::string>& checkpoint_flags = {}) {
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(rt, c));
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(rt, c.id, images.path() / "img", checkpoint_flags);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(rt, c.id), "absent") << rt.name() << ": runc deletes a checkpointed container";
    const long at_dump = counter(c.bundle);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(counter(c.bundle), at_dump) << "the dumped processes still run";

    r = restore(rt, restore_id, images.path() / "img", c.bundle);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(rt, restore_id), "running");
    const long after = counter_exceeds(c.bundle, at_dump + 2);
    EXPECT_GT(after, at_dump + 2) << rt.name() << ": the counter did not continue after restore";
    auto e = rt({"exec", restore_id, "cat", "/tmp/count"});
    EXPECT_EQ(e.exit_code, 0) << e.describe();
    EXPECT_GE(std::atol(e.out.c_str()), at_dump) << e.out;
    auto ps = rt({"ps", restore_id});
    EXPECT_EQ(ps.exit_code, 0) << ps.describe();
    EXPECT_NE(ps.out.find("sh"), std::string::npos) << ps.out;
    r = rt({"kill", restore_id, "KILL"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(it::eventually([&] { return status_of(rt, restore_id) == "stopped"; }, 10s));
    r = rt({"delete", restore_id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(it::leftovers(rt, restore_id, c.bundle).empty());
}

}  // namespace

// ---------------------------------------------------------------- any host
TEST(Checkpoint, CriuAbsentIsAClearErrorAndTheContainerRunsOn) {
    it::Runner ocirun = it::Runner::ocirun();
    it::DetachedContainer c(ocirun, "cr-nocriu");
    START_OR_FAIL(c);
    it::TempDir images("ocirun-it-images");
    auto r = ocirun({"checkpoint", "--image-path", images.path().string(), c.id()}, {.env = {{"PATH", "/nonexistent"}}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("criu binary not found on PATH"), std::string::npos) << r.describe();
    EXPECT_EQ(status_of(ocirun, c.id()), "running");
}

TEST(Checkpoint, CreatedContainerIsRefusedLikeRunc) {
    auto check = [](const it::Runner& rt) {
        it::Bundle b;
        const std::string id = it::unique_id("cr-created");
        ASSERT_EQ(rt({"create", "--bundle", b.path().string(), id}).exit_code, 0);
        it::TempDir images("ocirun-it-images");
        auto r = checkpoint(rt, id, images.path());
        EXPECT_NE(r.exit_code, 0) << rt.name();
        EXPECT_NE(r.err.find("Container cannot be checkpointed in created state"), std::string::npos)
            << rt.name() << ": " << r.describe();
        EXPECT_EQ(status_of(rt, id), "created");
        rt({"delete", "--force", id});
    };
    check(it::Runner::ocirun());
    if (it::runc_available()) check(it::Runner::runc());
}

TEST(Checkpoint, RestoreFromMissingImagesIsAClearErrorAndLeavesNothing) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle b;
    const std::string id = it::unique_id("cr-noimg");
    auto r = restore(ocirun, id, "/nonexistent/images", b);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--image-path /nonexistent/images"), std::string::npos) << r.describe();
    EXPECT_EQ(status_of(ocirun, id), "absent");
    EXPECT_TRUE(it::leftovers(ocirun, id, b).empty());
}

// Without --image-path both commands use ./checkpoint, as runc does; the core decides that.
TEST(Checkpoint, ImagePathDefaultsToCheckpointInTheCurrentDir) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle b;
    it::TempDir cwd("ocirun-it-cwd");
    const std::string id = it::unique_id("cr-default");
    auto r = ocirun({"restore", "-d", "--bundle", b.path().string(), id}, {.cwd = cwd.path()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--image-path " + (cwd.path() / "checkpoint").string() + ": not a directory"), std::string::npos)
        << r.describe();
    EXPECT_TRUE(it::leftovers(ocirun, id, b).empty());
}

TEST(Checkpoint, RestoreFromADirWithoutCheckpointLeavesNothing) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle b;
    it::TempDir images("ocirun-it-images");
    const std::string id = it::unique_id("cr-empty");
    auto r = restore(ocirun, id, images.path(), b);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("descriptors.json"), std::string::npos) << r.describe();
    EXPECT_EQ(status_of(ocirun, id), "absent");
    EXPECT_TRUE(it::leftovers(ocirun, id, b).empty());
}

// Lazy pages are refused with the reason (untested post-copy flow), before anything is dumped
// or made, and the container runs on.
TEST(Checkpoint, LazyPagesIsRefusedWithTheReason) {
    it::Runner ocirun = it::Runner::ocirun();
    it::DetachedContainer c(ocirun, "cr-lazy");
    START_OR_FAIL(c);
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(ocirun, c.id(), images.path() / "img", {"--lazy-pages"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--lazy-pages is not supported by ocirun yet"), std::string::npos) << r.describe();
    EXPECT_FALSE(std::filesystem::exists(images.path() / "img")) << "the refused checkpoint made the image dir";
    EXPECT_EQ(status_of(ocirun, c.id()), "running");

    it::Bundle b;
    const std::string id = it::unique_id("cr-lazy-restore");
    r = restore(ocirun, id, images.path(), b, {"--lazy-pages"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--lazy-pages is not supported by ocirun yet"), std::string::npos) << r.describe();
    EXPECT_TRUE(it::leftovers(ocirun, id, b).empty());
}

TEST(Checkpoint, BadManageCgroupsModeIsRefusedByTheParser) {
    it::Runner ocirun = it::Runner::ocirun();
    auto r = ocirun({"checkpoint", "--manage-cgroups-mode", "bogus", "x"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--manage-cgroups-mode"), std::string::npos) << r.describe();
}

TEST(Checkpoint, PluginsAndFeaturesSayWhetherCriuWorks) {
    it::Runner ocirun = it::Runner::ocirun();
    auto r = ocirun({"plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    auto f = ocirun({"features"});
    ASSERT_EQ(f.exit_code, 0) << f.describe();
    const std::string why = criu_unusable();
    if (why.empty()) {
        EXPECT_EQ(r.out.find("note: criu (checkpointer) is unavailable here"), std::string::npos) << r.out;
        EXPECT_NE(f.out.find("\"usable\": true"), std::string::npos) << f.out;
    } else {
        EXPECT_NE(r.out.find("note: criu (checkpointer) is unavailable here: criu"), std::string::npos) << r.out;
        EXPECT_NE(f.out.find("\"usable\": false"), std::string::npos) << f.out;
    }
    // Without criu on PATH.
    r = ocirun({"plugins"}, {.env = {{"PATH", "/nonexistent"}}});
    EXPECT_NE(r.out.find("note: criu (checkpointer) is unavailable here: criu binary not found on PATH"), std::string::npos)
        << r.out;
}

// ---------------------------------------------------------------- in the VM
TEST(CheckpointV2, CounterContinuesAfterRestoreLikeRunc) {
    REQUIRE_CRIU();
    {
        SCOPED_TRACE("ocirun");
        checkpoint_restore_counter(it::Runner::ocirun(), it::unique_id("cr-same"));
    }
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: no comparison";
    SCOPED_TRACE("runc");
    checkpoint_restore_counter(it::Runner::runc(), it::unique_id("cr-same"));
}

TEST(CheckpointV2, BadImagePathLeavesTheContainerRunning) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(ocirun, c));
    auto r = checkpoint(ocirun, c.id, "/nonexistent/dir/img");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--image-path /nonexistent/dir/img"), std::string::npos) << r.describe();
    EXPECT_EQ(status_of(ocirun, c.id), "running");
    const long now = counter(c.bundle);
    EXPECT_GT(counter_exceeds(c.bundle, now), now);
    ocirun({"delete", "--force", c.id});
}

TEST(CheckpointV2, LeaveRunningThenRestoreUnderAnotherId) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(ocirun, c));
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(ocirun, c.id, images.path(), {"--leave-running"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(ocirun, c.id), "running");
    const long at_dump = counter(c.bundle);
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump) << "--leave-running stopped the container";
    ASSERT_EQ(ocirun({"delete", "--force", c.id}).exit_code, 0);
    const std::string other = it::unique_id("cr-other");
    r = restore(ocirun, other, images.path(), c.bundle);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(ocirun, other), "running");
    const long now = counter(c.bundle);
    EXPECT_GT(counter_exceeds(c.bundle, now), now);
    EXPECT_EQ(ocirun({"delete", "--force", other}).exit_code, 0);
    EXPECT_TRUE(it::leftovers(ocirun, other, c.bundle).empty());
}

TEST(CheckpointV2, PreDumpThenDumpWithParentPath) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(ocirun, c));
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(ocirun, c.id, images.path() / "pre", {"--pre-dump"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(ocirun, c.id), "running") << "a pre-dump leaves the container running";
    r = checkpoint(ocirun, c.id, images.path() / "final", {"--parent-path", "../pre"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_of(ocirun, c.id), "absent");
    const long at_dump = counter(c.bundle);
    r = restore(ocirun, c.id, images.path() / "final", c.bundle);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump);
    ocirun({"delete", "--force", c.id});
}

TEST(CheckpointV2, PausedContainer) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(ocirun, c));
    ASSERT_EQ(ocirun({"pause", c.id}).exit_code, 0);
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(ocirun, c.id, images.path());
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const long at_dump = counter(c.bundle);
    r = restore(ocirun, c.id, images.path(), c.bundle);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const std::string status = status_of(ocirun, c.id);
    EXPECT_TRUE(status == "running" || status == "paused") << status;
    if (status == "paused") ocirun({"resume", c.id});
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump);
    ocirun({"delete", "--force", c.id});
}

TEST(CheckpointV2, TcpConnectionSurvivesWithTcpEstablished) {
    REQUIRE_CRIU();
    it::Runner ocirun = it::Runner::ocirun();
    Started c;
    // `ip link set lo up` in the container's network namespace needs CAP_NET_ADMIN.
    auto& caps = c.bundle.config().at("process").as_object()["capabilities"].as_object();
    for (const char* set : {"bounding", "effective", "permitted"}) caps[set].as_array().push_back("CAP_NET_ADMIN");
    // A server and a client in the container, one established loopback connection between them;
    // the server appends what it receives to /tmp/got, the client's counter goes through it.
    // The server's stdin never ends (busybox nc closes the connection at EOF of its stdin).
    ASSERT_NO_FATAL_FAILURE(start_counter(ocirun, c, {"sh", "-c",
        "ip link set lo up; sleep 1000000 | nc -l -p 5000 > /tmp/got & sleep 1; "
        "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; echo $i; sleep 0.1; done | nc 127.0.0.1 5000"}));
    ASSERT_TRUE(it::eventually([&] { return !it::read_file(c.bundle.rootfs() / "tmp/got").empty(); }, 20s))
        << "the client never got through to the server before the checkpoint";
    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(ocirun, c.id, images.path(), {"--tcp-established"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const std::string got = it::read_file(c.bundle.rootfs() / "tmp/got");
    r = restore(ocirun, c.id, images.path(), c.bundle, {"--tcp-established"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(it::eventually([&] { return it::read_file(c.bundle.rootfs() / "tmp/got").size() > got.size() + 4; }, 20s))
        << "nothing more came over the restored connection";
    ocirun({"delete", "--force", c.id});
}

// ---------------------------------------------------------------- terminals
// process.terminal: the pty master is outside the dumped tree, so the dump needs --shell-job;
// on restore CRIU makes a new pty pair and hands the master over (orphan-pts-master), which
// the runtime sends over --console-socket as at create. What is typed into the new master
// reaches the restored shell, which answers on the terminal.
void terminal_survives(const it::Runner& rt) {
    Started c;
    c.bundle.set_terminal(true);
    it::ConsoleSocket console;
    ASSERT_NO_FATAL_FAILURE(start_counter(rt, c, {"sh", "-c", "(" + kCounterLoop + ") & "
        "while read l; do echo \"$l\" >> /tmp/typed; echo \"seen:$l\"; done"}, {"--console-socket", console.path()}));
    FdCloser before{console.receive_master()};
    ASSERT_GE(before.fd, 0) << "no pty master at run";
    ASSERT_EQ(::write(before.fd, "before\n", 7), 7);
    EXPECT_NE(it::read_until(before.fd, "seen:before").find("seen:before"), std::string::npos);

    it::TempDir images("ocirun-it-images");
    auto r = checkpoint(rt, c.id, images.path(), {"--shell-job"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ::close(before.fd);
    before.fd = -1;
    const long at_dump = counter(c.bundle);
    r = restore(rt, c.id, images.path(), c.bundle, {"--shell-job", "--console-socket", console.path()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    FdCloser after{console.receive_master()};
    ASSERT_GE(after.fd, 0) << "no pty master sent over --console-socket at restore";
    ASSERT_EQ(::write(after.fd, "after\n", 6), 6);
    EXPECT_NE(it::read_until(after.fd, "seen:after").find("seen:after"), std::string::npos)
        << "typing into the restored console did not reach the shell";
    EXPECT_EQ(it::read_file(c.bundle.rootfs() / "tmp/typed"), "before\nafter\n");
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump);
    EXPECT_EQ(rt({"delete", "--force", c.id}).exit_code, 0);
    EXPECT_TRUE(it::leftovers(rt, c.id, c.bundle).empty());
}

TEST(CheckpointV2, TerminalComesBackOverTheConsoleSocketLikeRunc) {
    REQUIRE_CRIU();
    {
        SCOPED_TRACE("ocirun");
        terminal_survives(it::Runner::ocirun());
    }
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: no comparison";
    SCOPED_TRACE("runc");
    terminal_survives(it::Runner::runc());
}

// ---------------------------------------------------------------- file locks
// A held flock: CRIU refuses to dump it without --file-locks (the container runs on), and with
// it the restored process holds the lock again. Returns the refusal's stderr.
std::string file_lock_survives(const it::Runner& rt) {
    Started c;
    add_holder(c.bundle);
    start_counter(rt, c, {"/bin/holder", "flock", "/tmp/lock"});
    if (::testing::Test::HasFatalFailure()) return {};
    auto can_lock = [&] { return rt({"exec", c.id, "/bin/holder", "trylock", "/tmp/lock"}).exit_code == 0; };
    EXPECT_FALSE(can_lock()) << "the container does not hold its lock before the checkpoint";

    it::TempDir images("ocirun-it-images");
    auto refused = checkpoint(rt, c.id, images.path() / "without");
    EXPECT_NE(refused.exit_code, 0) << "a held flock was dumped without --file-locks: " << refused.describe();
    EXPECT_EQ(status_of(rt, c.id), "running") << "the refused checkpoint stopped the container";
    const long now = counter(c.bundle);
    EXPECT_GT(counter_exceeds(c.bundle, now), now) << "the refused checkpoint left the container frozen";

    auto r = checkpoint(rt, c.id, images.path() / "with", {"--file-locks"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    const long at_dump = counter(c.bundle);
    r = restore(rt, c.id, images.path() / "with", c.bundle, {"--file-locks"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump);
    EXPECT_FALSE(can_lock()) << "the restored process no longer holds its lock";
    rt({"delete", "--force", c.id});
    EXPECT_TRUE(it::leftovers(rt, c.id, c.bundle).empty());
    return refused.err;
}

TEST(CheckpointV2, FileLockNeedsFileLocksLikeRunc) {
    REQUIRE_CRIU();
    std::string ours;
    {
        SCOPED_TRACE("ocirun");
        ours = file_lock_survives(it::Runner::ocirun());
    }
    // runc only names its log file; ocirun also quotes CRIU's error lines.
    EXPECT_NE(ours.find("file-locks"), std::string::npos) << "the refusal does not say what to do: " << ours;
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: no comparison";
    SCOPED_TRACE("runc");
    file_lock_survives(it::Runner::runc());
}

// ---------------------------------------------------------------- page server
// --page-server: the memory pages go to a `criu page-server` (here on loopback, standing in for
// the destination machine), the rest of the images to --image-path; both together restore.
void page_server_dump(const it::Runner& rt, int port) {
    Started c;
    ASSERT_NO_FATAL_FAILURE(start_counter(rt, c));
    it::TempDir images("ocirun-it-images");
    const auto pages = images.path() / "pages", img = images.path() / "img";
    std::filesystem::create_directories(pages);
    // --daemon: returns once it listens; it exits when the dump's connection ends.
    auto server = it::run_command({"criu", "page-server", "--daemon", "--images-dir", pages.string(), "--port",
                                   std::to_string(port), "-o", (images.path() / "page-server.log").string()});
    ASSERT_EQ(server.exit_code, 0) << server.describe();
    auto r = checkpoint(rt, c.id, img, {"--page-server", "127.0.0.1:" + std::to_string(port)});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    bool pages_arrived = false;
    for (const auto& f : std::filesystem::directory_iterator(pages)) {
        if (f.path().filename().string().rfind("pages-", 0) == 0 && f.file_size() > 0) pages_arrived = true;
        std::filesystem::copy_file(f.path(), img / f.path().filename(), std::filesystem::copy_options::skip_existing);
    }
    EXPECT_TRUE(pages_arrived) << "no pages-*.img reached the page server";
    const long at_dump = counter(c.bundle);
    r = restore(rt, c.id, img, c.bundle);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_GT(counter_exceeds(c.bundle, at_dump), at_dump) << "the counter did not go on from the served pages";
    rt({"delete", "--force", c.id});
    EXPECT_TRUE(it::leftovers(rt, c.id, c.bundle).empty());
}

TEST(CheckpointV2, PageServerGetsThePagesLikeRunc) {
    REQUIRE_CRIU();
    {
        SCOPED_TRACE("ocirun");
        page_server_dump(it::Runner::ocirun(), 27181);
    }
    if (!it::runc_available()) GTEST_SKIP() << "runc is not installed: no comparison";
    SCOPED_TRACE("runc");
    page_server_dump(it::Runner::runc(), 27182);
}
