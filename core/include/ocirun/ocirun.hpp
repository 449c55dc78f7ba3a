// ocirun/ocirun.hpp — libocirun's public API: run OCI containers from a C++ program.
//
// The `ocirun` CLI is a thin client of this API: it includes nothing of the core but the
// ocirun/*.hpp headers (this one; spec_json.hpp, plugins.hpp, features.hpp, console.hpp and
// log.hpp for its commands' plumbing). Everything here is synchronous and throws ocirun::Error
// with a message fit for the user, its kind() saying what failed (error.hpp).
//
//   ocirun::Runtime rt({.root = "/run/ocirun"});
//   auto c = rt.create({.id = "demo", .bundle = "/path/to/bundle"});
//   c.start();
//   int status = c.wait();       // only in the process that created it
//   c.destroy();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
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
    // With spec: the config.json text it was parsed from, stored as the container's copy as is
    // (empty: the copy is serialized from spec).
    std::string spec_json;
    // Instead of console_socket: an already connected AF_UNIX socket (e.g. one end of a
    // socketpair) that receives the pty master; the caller keeps and closes it. -1: none.
    int console_socket_fd = -1;
    // `run`: this process calls start() right after create (runc's run). There is then no exec
    // fifo: start releases the init over the sync socket it already has, and state.json is
    // written once. The container reads as "running" from the end of create.
    bool start_after_create = false;
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
    // A pty master received through console_socket_fd (process.terminal, foreground, no
    // --console-socket): while waiting, copy stdin to it and it to stdout with the caller's
    // terminal in raw mode and its window size propagated (SIGWINCH), like runc. -1: none.
    int terminal_master = -1;
};

// `exec`: one more process in a running container. `process` is complete (the CLI builds it from
// the container's process.* and its flags, as runc does); the core applies it as given.
struct ExecOptions {
    spec::Process process;
    bool detach = false;                 // --detach (only informs the terminal checks)
    std::string pid_file;                // --pid-file: host pid, no newline, atomic
    std::string console_socket;          // --console-socket: receives the pty master (process.terminal)
    unsigned preserve_fds = 0;           // --preserve-fds: fds 3..3+N-1 pass through
    // --cgroup: sub-cgroup (relative to the container's) to run in; key = controller, "" = all.
    std::map<std::string, std::string> cgroup_paths;
    bool ignore_paused = false;          // --ignore-paused
    int console_socket_fd = -1;          // instead of console_socket: see CreateOptions
};

// `checkpoint`: runc's flags (docs/cli.md says what each does). Done by the checkpointer plugin.
struct CheckpointOptions {
    std::string image_path;   // "" = ./checkpoint (runc's default)
    std::string work_path;    // "" = ROOT/ID/criu.work
    std::string parent_path;  // images of a previous pre-dump
    bool leave_running = false, tcp_established = false, ext_unix_sk = false, shell_job = false,
         file_locks = false, pre_dump = false, auto_dedup = false, lazy_pages = false;
    int status_fd = -1;
    std::string page_server;          // ADDRESS:PORT
    std::string manage_cgroups_mode;  // soft|full|strict|ignore, "" = the checkpointer's default
    std::vector<std::string> empty_ns;
};

// `restore`: a new container ID from the images and the bundle's config.json.
struct RestoreOptions {
    std::string id;
    std::string bundle = ".";
    std::string image_path;   // "" = ./checkpoint (runc's default)
    std::string work_path, parent_path;
    std::string pid_file;
    std::string console_socket;
    int console_socket_fd = -1;       // instead of console_socket: see CreateOptions
    bool tcp_established = false, ext_unix_sk = false, shell_job = false, file_locks = false,
         auto_dedup = false, lazy_pages = false, no_pivot = false;
    std::string manage_cgroups_mode;
    std::vector<std::string> empty_ns;
    std::string lsm_profile, lsm_mount_context;
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
    // Dump the running (or paused) container's processes; afterwards the container is gone
    // (runc: stopped and deleted) unless leave_running or pre_dump. core/container/checkpoint.cpp
    void checkpoint(const CheckpointOptions& opts);
    std::vector<pid_t> processes() const;
    // runc's `events --stats` data object as JSON text.
    std::string stats_json() const;
    // `update`: apply the fields set in `changes` to the running (or created/paused) container's
    // cgroup and record the merged linux.resources in its stored config. Unset fields are kept.
    void update(const spec::LinuxResources& changes);
    // `events`: calls on_event with each event as runc's JSON text (no newline): stats every
    // interval ({"type":"stats","id":..,"data":{..}}, the first after one interval) and
    // {"type":"oom","id":..} each time the OOM killer acts in the container. Returns once the
    // container has stopped (or was deleted).
    void watch_events(std::chrono::milliseconds interval,
                      const std::function<void(const std::string&)>& on_event);
    // Wait for the init to exit; only in the process that created the container (its parent).
    // Returns the exit code, or 128+signal when killed by a signal.
    int wait(const WaitOptions& opts = {});
    // Block every signal that wait({.forward_signals = true}) forwards, in the calling thread, so
    // none arriving between start() and wait() is lost (or kills the runtime). Call it after
    // create() (the init must not inherit the mask) and before start().
    static void block_forwarded_signals();

    // The container's config as stored at create (ROOT/ID/config.json): defaults for exec.
    spec::Spec config() const;
    // Starts options.process in the container's namespaces and cgroup, with its seccomp filter.
    // Refuses a stopped container and (unless ignore_paused) a paused one, with runc's texts.
    // Returns the process's host pid once it is about to execve; the caller is its parent.
    pid_t exec(const ExecOptions& options);
    // Waits for a process started by exec() in this process (forwarding signals to it with
    // opts.forward_signals; never a subreaper). Returns its exit code, or 128+signal.
    int wait_exec(pid_t pid, const WaitOptions& opts = {});

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
    // Throws an Error of kind NotFound, "container does not exist" (runc's text), for an unknown id.
    Container open(const std::string& id);
    // Bring a checkpoint back as the new container opts.id (running; its init is our child).
    // On failure nothing is left behind. core/container/restore.cpp
    Container restore(const RestoreOptions& opts);
    // Every container whose state can be read. One that cannot (a corrupt or half-written
    // state dir) is left out and reported to `unreadable(id, error)` (default: a warning in the
    // log), so it never hides the others.
    using UnreadableContainer = std::function<void(const std::string& id, const std::string& error)>;
    std::vector<ContainerState> list(const UnreadableContainer& unreadable = {});

    PluginRegistry& plugins();  // ocirun/plugins.hpp
    // `delete --force`: removes what a runtime killed in the middle of a create or delete left
    // under the root (temporary dirs no id names; their maker is gone and holds no lock).
    void remove_abandoned();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when this process runs in a user namespace that does not map the whole id range (a
// rootless session, e.g. podman's): runc's test, used for --rootless auto and the default root.
bool running_in_user_namespace();

}  // namespace ocirun
