// Integration-test harness: busybox bundles, running `ocirun` (and `runc`, the oracle) as real
// commands, and checking that nothing of a container was left behind.
//
// Typical test:
//   it::Bundle bundle;                          // `ocirun spec` + busybox rootfs, terminal off
//   bundle.set_args({"sh", "-c", "echo hi"});
//   it::Runner ocirun = it::Runner::ocirun();   // own --root temp dir; deletes leftovers at exit
//   auto id = it::unique_id("hello");
//   auto r = ocirun({"run", "--bundle", bundle.path(), id});
//   EXPECT_EQ(r.exit_code, 0) << r.describe();
//   EXPECT_EQ(r.out, "hi\n");
//   EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
//
// Everything here throws std::runtime_error on setup failures (the test then fails with it).
#pragma once

#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

// The ocirun binary and plugin dir under test (what OCIRUN_TEST_BINARY / OCIRUN_TEST_PLUGIN_DIR
// expand to): $OCIRUN_TEST_BINARY / $OCIRUN_TEST_PLUGIN_DIR when set, else this build's.
const char* ocirun_test_binary();
const char* ocirun_test_plugin_dir();

namespace ocirun::it {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- commands
struct CommandResult {
    int exit_code = -1;  // exit status, 128+signal when killed, -1 when it timed out
    std::string out;     // stdout
    std::string err;     // stderr
    bool timed_out = false;
    // "exit 1; stdout: ...; stderr: ..." for assertion messages.
    std::string describe() const;
};

struct CommandOptions {
    std::chrono::milliseconds timeout = 30s;      // then the command's process group is SIGKILLed
    fs::path cwd;                                 // empty: the test's cwd
    std::map<std::string, std::string> env;       // added to (or replacing in) the test's env
    std::string input;                            // stdin content (empty: /dev/null)
};

// Runs argv[0] (looked up in PATH) and captures stdout/stderr. Returns once the process exits
// (output a detached container keeps writing to the inherited pipes is not waited for).
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& opts = {});

// ---------------------------------------------------------------- ids and dirs
// "<prefix>-<test pid>-<counter>": unique per test binary run, valid as a container id.
std::string unique_id(const std::string& prefix);

// A fresh directory under /tmp, removed recursively on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "ocirun-it");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// The shared busybox rootfs (/bin/busybox + a symlink per applet), built once per test run.
const fs::path& busybox_rootfs();

// ---------------------------------------------------------------- bundles
// A bundle dir made by `ocirun spec`, with a private copy of the busybox rootfs (hard-linked
// binary, so cheap) and process.terminal set to false. Setters edit config.json immediately.
class Bundle {
public:
    Bundle();
    const fs::path& path() const { return dir_.path(); }
    fs::path rootfs() const { return dir_.path() / "rootfs"; }
    fs::path config_path() const { return dir_.path() / "config.json"; }

    // The parsed config.json; after editing it directly, call save().
    boost::json::object& config() { return config_; }
    void save() const;

    void set_args(const std::vector<std::string>& args);
    void set_terminal(bool terminal);
    void set_readonly(bool readonly);
    void set_hostname(const std::string& hostname);
    void set_env(const std::vector<std::string>& env);
    void set_cwd(const std::string& cwd);
    void set_user(unsigned uid, unsigned gid);
    // Adds {"destination", "type": "bind", "source", "options": ["rbind", rw|ro]}.
    void add_bind_mount(const fs::path& source, const std::string& destination, bool readonly = false);
    // Drops linux.namespaces entries of `type` ("pid", "network"...): the container shares the host's.
    void remove_namespace(const std::string& type);
    // Replaces config.json with arbitrary text (for invalid-config tests).
    void write_raw_config(const std::string& text) const;

private:
    TempDir dir_;
    boost::json::object config_;
};

// ---------------------------------------------------------------- runtimes
// One runtime binary with a private --root. Its destructor force-deletes every container left
// under that root and removes the root, so a failing test still cleans up.
class Runner {
public:
    static Runner ocirun();  // OCIRUN_TEST_BINARY, OCIRUN_PLUGIN_PATH=OCIRUN_TEST_PLUGIN_DIR
    static Runner runc();    // `runc` from PATH
    ~Runner();
    Runner(Runner&&) = default;

    // Runs `BINARY --root ROOT args...`.
    CommandResult operator()(const std::vector<std::string>& args, CommandOptions opts = {}) const;
    // `state ID` parsed (throws with the command's output when it fails).
    boost::json::object state(const std::string& id) const;

    const std::string& name() const { return name_; }
    const fs::path& binary() const { return binary_; }
    const fs::path& root() const { return root_->path(); }
    const std::map<std::string, std::string>& env() const { return env_; }

private:
    Runner(std::string name, fs::path binary, std::map<std::string, std::string> env);
    std::string name_;
    fs::path binary_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<TempDir> root_;
};

// Whether `runc` is installed (tests comparing with it skip otherwise).
bool runc_available();

// ---------------------------------------------------------------- leftovers
// What is left of container `id` on the host, one line per finding (empty = clean):
// its state dir under the runner's root; a mount whose mountinfo line mentions the bundle;
// a process whose root is the bundle's rootfs, whose cwd is in the bundle, or whose cmdline
// mentions the bundle or the id; a cgroup dir named `id` under /sys/fs/cgroup/*/ (3 levels deep).
std::vector<std::string> leftovers(const Runner& runner, const std::string& id, const Bundle& bundle);

// ---------------------------------------------------------------- shared test helpers
// The whole file (binary-safe); "" when it cannot be read.
std::string read_file(const fs::path& path);

// `/bin/sh -c SCRIPT` on the host where $OCIRUN is the runtime's command line (BINARY --root ROOT).
CommandResult shell(const Runner& rt, const std::string& script, std::chrono::milliseconds timeout = 60s);

// A detached `sleep 1000` container (root writable; `tweak` may change its bundle first).
// Resumed if paused, force-deleted and checked for leftovers when it goes out of scope.
class DetachedContainer {
public:
    DetachedContainer(const Runner& rt, const std::string& prefix,
                      const std::function<void(Bundle&)>& tweak = {});
    ~DetachedContainer();
    bool started() const { return result_.exit_code == 0; }
    std::string describe() const { return result_.describe(); }
    const std::string& id() const { return id_; }
    Bundle& bundle() { return bundle_; }
    long init_pid() const;
    // `exec FLAGS... ID COMMAND...`
    CommandResult exec(std::vector<std::string> flags, const std::vector<std::string>& command) const;

private:
    const Runner& rt_;
    Bundle bundle_;
    std::string id_;
    CommandResult result_;
};

#define START_OR_FAIL(c) ASSERT_TRUE((c).started()) << (c).describe()

// Polls `pred` every 20 ms until true or `timeout`; returns the last result.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s);

}  // namespace ocirun::it

#include <thread>

template <class Pred>
bool ocirun::it::eventually(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}
