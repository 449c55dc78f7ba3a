// ocirun/ocirun.hpp — libocirun's public API: run OCI containers from a C++ program.
//
// The `ocirun` CLI is a thin client of exactly this API. Everything here is synchronous and
// throws ocirun::Error with a message fit for the user.
//
//   ocirun::Runtime rt({.root = "/run/ocirun"});
//   auto c = rt.create({.id = "demo", .bundle = "/path/to/bundle"});
//   c.start();
//   int status = c.wait();       // only in the process that created it
//   c.destroy();
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocirun/error.hpp"
#include "ocirun/spec.hpp"

namespace ocirun {

class PluginRegistry;
struct ContainerRecord;

struct RuntimeOptions {
    std::string root = "/run/ocirun";   // --root
    bool systemd_cgroup = false;        // --systemd-cgroup
    std::optional<bool> rootless;       // --rootless; unset = auto (euid != 0)
    bool debug = false;                 // --debug
};

enum class Status { Creating, Created, Running, Paused, Stopped };
const char* to_string(Status s);

// What `ocirun state` prints: runc's fields, same names.
struct ContainerState {
    std::string ociVersion;
    std::string id;
    pid_t pid = 0;  // 0 once stopped
    Status status = Status::Stopped;
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC3339Nano, UTC
    std::string owner;    // "" for root, like runc
    std::map<std::string, std::string> annotations;
};

struct CreateOptions {
    std::string id;
    std::string bundle = ".";       // --bundle; made absolute by create
    std::string pid_file;           // --pid-file
    std::string console_socket;     // --console-socket
    bool no_pivot = false;          // --no-pivot
    bool no_new_keyring = false;    // --no-new-keyring
    unsigned preserve_fds = 0;      // --preserve-fds
    std::optional<spec::Spec> spec; // when set: used instead of reading bundle/config.json
};

struct KillOptions {
    int signal = 15;  // SIGTERM
    bool all = false; // --all: every process in the container's cgroup
};

struct WaitOptions {
    bool forward_signals = false;  // forward every catchable signal to the init (foreground run)
    // With forward_signals: unless set, become a child subreaper so the container's orphaned
    // processes are reaped here too (`run --no-subreaper` sets it).
    bool no_subreaper = false;
};

// One container, opened by id or just created. Cheap to move; holds no lock between calls.
class Container {
public:
    Container(Container&&) noexcept;
    Container& operator=(Container&&) noexcept;
    ~Container();

    const std::string& id() const;
    ContainerState state() const;
    pid_t init_pid() const;

    // created -> running: lets process.args run (exec fifo), runs startContainer/poststart hooks.
    void start();
    void kill(const KillOptions& opts);
    // delete: stopped (or created) only, unless force (kill first). Removes cgroup and state;
    // runs poststop hooks.
    void destroy(bool force = false);
    void pause();
    void resume();
    std::vector<pid_t> processes() const;
    // runc's `events --stats` data object as JSON text.
    std::string stats_json() const;
    // Wait for the init to exit; only in the process that created the container (its parent).
    // Returns the exit code, or 128+signal when killed by a signal.
    int wait(const WaitOptions& opts = {});
    // Block every signal that wait({.forward_signals = true}) forwards, in the calling thread, so
    // none arriving between start() and wait() is lost (or kills the runtime). Call it after
    // create() (the init must not inherit the mask) and before start().
    static void block_forwarded_signals();

    // Internal: built by Runtime.
    explicit Container(std::unique_ptr<ContainerRecord> record);

private:
    std::unique_ptr<ContainerRecord> rec_;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions opts = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const RuntimeOptions& options() const;

    // Validates the whole bundle before anything is created; on any failure leaves nothing
    // behind (state dir, cgroup, mounts, process).
    Container create(const CreateOptions& opts);
    // Throws Error("container \"ID\" does not exist") (runc's text) for an unknown id.
    Container open(const std::string& id);
    std::vector<ContainerState> list();

    PluginRegistry& plugins();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocirun
