// Container: the lifecycle operations on one existing container. Each call locks the state dir,
// derives the status from the host, and checks the transition is legal (runc's error texts).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "container/container_record.hpp"
#include "container/init_waiter.hpp"
#include "container/terminal_proxy.hpp"
#include "container/process_info.hpp"
#include "container/state_rules.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "linux/container_init.hpp"
#include "ocirun/ocirun.hpp"
#include "spec/spec_json.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"
#include "util/hooks.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {
namespace {

// One locked view of the container: its dir (flock held), state, cgroup and derived status.
struct Locked {
    state::ContainerDir dir;
    state::StoredState st;
    std::unique_ptr<plugin::Cgroup> cgroup;
    Status status = Status::Stopped;
};

// The container's dir exists but its lock or state.json cannot be read (corrupt, half-written
// by a create that was killed): every operation reports it, and only delete --force acts.
class UnreadableState : public Error {
public:
    using Error::Error;
};

Locked lock(ContainerRecord& rec) {
    state::StateStore store(rec.root);
    store.require_present(rec.id);
    std::optional<state::ContainerDir> dir;
    state::StoredState st;
    try {
        dir.emplace(store.open(rec.id));
        st = dir->load();
    } catch (const Error& e) {
        store.require_present(rec.id);  // deleted meanwhile
        throw UnreadableState(e.what());
    }
    Locked l{std::move(*dir), std::move(st), nullptr, Status::Stopped};
    rec.cached = l.st;
    l.cgroup = container::open_stored_cgroup(l.st, *rec.plugins, rec.host);
    l.status = container::derive_status(l.st, l.dir.path(), l.cgroup.get());
    return l;
}

constexpr int kExitTimeoutMs = 10000;

// A pidfd for the container's init, or none when the pid is no longer that init (recycled, or
// gone) or the kernel lacks pidfd_open (Linux < 5.3). Opened before the kill: checking the start
// time after opening pins the fd to our init, and the kernel wakes a poll on it the moment the
// init exits, reaped or not, where /proc polling needs sleeps.
UniqueFd open_init_pidfd(const Locked& l) {
    UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, l.st.init_pid, 0)));
    if (fd && !container::process_is_alive(l.st.init_pid, l.st.init_start_time)) fd.reset();
    return fd;
}

// Wait until the init has exited: on its pidfd when there is one, else by polling /proc.
bool wait_for_init_exit(const Locked& l, const UniqueFd& pidfd, int timeout_ms) {
    if (!pidfd) return container::wait_for_process_exit(l.st.init_pid, l.st.init_start_time, timeout_ms);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{pidfd.get(), POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (r > 0) break;
        if (r == 0) return false;
        if (errno != EINTR) return container::wait_for_process_exit(l.st.init_pid, l.st.init_start_time, timeout_ms);
    }
    int status = 0;
    ::waitpid(l.st.init_pid, &status, WNOHANG);  // reap it when it is our child (ECHILD otherwise)
    return true;
}

// Wait until a SIGKILLed cgroup has no process left: back off from 1 ms to 10 ms.
void wait_until_empty(const plugin::Cgroup& cgroup, const std::string& id) {
    int pause_ms = 1;
    for (int waited = 0; !cgroup.pids().empty(); waited += pause_ms, pause_ms = std::min(pause_ms * 2, 10)) {
        if (waited >= kExitTimeoutMs)
            throw Error("container " + id + ": processes left in its cgroup after SIGKILL");
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
}

// SIGKILL everything of the container and wait until it is gone.
void kill_everything(Locked& l) {
    const UniqueFd pidfd = open_init_pidfd(l);
    if (l.cgroup) {
        l.cgroup->kill_all(SIGKILL);
        if (l.cgroup->frozen()) l.cgroup->thaw();  // frozen tasks die only once thawed
    } else {
        ::kill(l.st.init_pid, SIGKILL);
    }
    if (!wait_for_init_exit(l, pidfd, kExitTimeoutMs))
        throw Error("container " + l.st.id + ": init " + std::to_string(l.st.init_pid) +
                    " did not die after SIGKILL");
    // Once the init (the pid namespace's reaper) is gone its namespace is empty; processes that
    // joined the cgroup from outside it may take a moment.
    if (l.cgroup) wait_until_empty(*l.cgroup, l.st.id);
}

// A stopped container's cgroup with no process (or already gone, like runc's !Exists()):
// kill --all has nothing to signal and need not freeze it.
bool nothing_left_in(const plugin::Cgroup& cgroup) {
    try {
        return cgroup.pids().empty();
    } catch (const Error&) {
        return true;
    }
}

// The hooks of the config copied into the state dir at create.
spec::Hooks stored_hooks(const state::StoredState& st) {
    if (st.config_file.empty())
        throw Error("container " + st.id + ": its state has no copy of config.json");
    spec::Spec config = spec::parse_config(fileio::read_file(st.config_file), st.config_file);
    return config.hooks ? std::move(*config.hooks) : spec::Hooks{};
}

spec::Hooks hooks_of(const ContainerRecord& rec, const state::StoredState& st) {
    return rec.hooks ? *rec.hooks : stored_hooks(st);
}

hooks::HookState hook_state(const state::StoredState& st, const char* status, pid_t pid) {
    hooks::HookState hs;
    hs.id = st.id;
    hs.status = status;
    hs.pid = pid;
    hs.bundle = st.bundle;
    hs.annotations = st.annotations;
    return hs;
}

// Like runc: cgroup and state go first, then the poststop hooks, whose failures only warn
// (runtime-spec: the remaining hooks and the delete still go on).
void remove_container(Locked& l, const ContainerRecord& rec) {
    std::vector<spec::Hook> poststop;
    try {
        poststop = hooks_of(rec, l.st).poststop;
    } catch (const std::exception& e) {
        log::warn(std::string("poststop hooks not run: ") + e.what());
    }
    if (l.cgroup) l.cgroup->destroy();
    fault::point("delete-cgroup-removed");
    l.dir.remove();
    for (const auto& failure : hooks::run_hooks_collecting_errors(poststop, hook_state(l.st, "stopped", 0)))
        log::warn(failure);
}

// The linux.cgroupsPath of the config.json copy in the container's dir ("" when the copy is
// missing or unreadable too: the cgroup then is the one derived from the id).
std::string stored_cgroups_path(const ContainerRecord& rec) {
    try {
        const fs::path copy = rec.root / rec.id / "config.json";
        const spec::Spec config = spec::parse_config(fileio::read_file(copy), copy.string());
        return config.linuxSection ? config.linuxSection->cgroupsPath : "";
    } catch (const Error&) {
        return "";
    }
}

// delete --force of a container whose state cannot be read (`why`): its processes are found
// through the cgroup create() would have made for it (the cgroup driver places it by the id, or
// the stored config's cgroupsPath), killed, and that cgroup and the state dir are removed.
// The poststop hooks are not run: their config may be what is unreadable.
void remove_unreadable_container(ContainerRecord& rec, const std::string& why) {
    log::warn("container " + rec.id + ": " + why + ": removing what can be found of it");
    state::StateStore store(rec.root);
    std::optional<state::ContainerDir> dir;
    try {
        dir.emplace(store.open(rec.id));
    } catch (const Error&) {
        // no lock file: removed unlocked below
    }
    if (plugin::CgroupDriver* driver = rec.plugins->cgroup_driver_if_available()) {
        plugin::CgroupConfig where;
        where.container_id = rec.id;
        where.cgroups_path = stored_cgroups_path(rec);
        if (auto cgroup = driver->find(where, rec.host)) {
            log::debug("container ", rec.id, ": killing the processes of its cgroup");
            if (cgroup->frozen()) cgroup->thaw();  // frozen tasks die only once thawed
            cgroup->kill_all(SIGKILL);
            wait_until_empty(*cgroup, rec.id);
            cgroup->destroy();
        } else {
            log::warn("container " + rec.id + ": no cgroup found for it: its processes, if any, are left");
        }
    }
    if (dir) dir->remove();
    else store.remove_unlocked(rec.id);
}

int log_exit(const ContainerRecord& rec, int status) {
    log::debug("container ", rec.id, ": init ", rec.cached.init_pid, " exited, status ", status);
    return status;
}

// After start released the init: the fifo's write end closes when process.args is exec'd (EOF),
// or the init reports that a startContainer hook failed. Returns true once process.args runs.
bool wait_for_process_exec(int fifo_fd) {
    for (;;) {
        pollfd p{fifo_fd, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            throw sys_error("poll exec fifo");
        }
        char byte = 0;
        ssize_t n = ::read(fifo_fd, &byte, 1);
        if (n == 0) return true;
        if (n == 1) return byte != linux_init::kFifoHookFailed;
        if (errno != EAGAIN && errno != EINTR) throw sys_error("read exec fifo");
    }
}

// created -> running: consume the exec fifo (which lets the init go on) and record it.
void release_init(Locked& l, ContainerRecord& rec, UniqueFd& released_fifo) {
    container::require_allowed(container::Operation::Start, l.status, l.st.id);
    const fs::path fifo = l.dir.path() / container::kExecFifoName;
    // Non-blocking open: a blocking one would hang forever if the init died meanwhile.
    UniqueFd fd(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) throw sys_error("open exec fifo " + fifo.string());
    fault::point("start-fifo-opened", l.st.init_pid);
    for (;;) {
        pollfd p{fd.get(), POLLIN, 0};
        int r = ::poll(&p, 1, 100);
        if (r < 0 && errno != EINTR) throw sys_error("poll exec fifo " + fifo.string());
        if (r > 0) {
            char byte = 0;
            ssize_t n = ::read(fd.get(), &byte, 1);
            if (n == 1) break;
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n < 0) throw sys_error("read exec fifo " + fifo.string());
            // EOF after a writer came and went: the init closed it without a byte (it died).
            throw Error("container init exited before start could release it");
        }
        if (!container::process_is_alive(l.st.init_pid, l.st.init_start_time))
            container::refuse(container::Operation::Start, Status::Stopped, l.st.id);  // died meanwhile
    }
    fault::point("start-init-released", l.st.init_pid);
    ::unlink(fifo.c_str());
    l.st.started = true;
    l.dir.save(l.st);
    fault::point("start-recorded", l.st.init_pid);
    rec.cached = l.st;
    released_fifo = std::move(fd);
}

// start_after_create: release the init with kStart on the sync socket create kept.
void release_init_over_sync(UniqueFd& sync) {
    try {
        linux_init::send_msg(sync.get(), linux_init::SyncMsg::kStart);
    } catch (const Error&) {
        throw Error("container init exited before start could release it");
    }
}

// The sync socket's EOF (close-on-exec in the init) once process.args runs, or kError when a
// startContainer hook failed. Returns true once process.args runs.
bool wait_for_process_exec_on_sync(int sync_fd) {
    linux_init::SyncMsg msg{};
    std::string text;
    return !linux_init::recv_msg(sync_fd, msg, text);
}

// `exec_started` blocks until process.args runs (true) or a startContainer hook failed (false).
template <typename ExecStarted>
void run_poststart_hooks(ContainerRecord& rec, const state::StoredState& st, ExecStarted exec_started) {
    const std::vector<spec::Hook> poststart = hooks_of(rec, st).poststart;
    if (poststart.empty()) return;
    // runtime-spec: poststart runs after process.args started. A failed startContainer hook
    // already ended the init (its error went to the container's stderr); runc's start still
    // succeeds then, and there is nothing for poststart to follow.
    if (!exec_started()) return;
    try {
        hooks::run_hooks(poststart, hook_state(st, "running", st.init_pid));
    } catch (...) {
        // As runc: a failed poststart hook stops the container and start fails with its error.
        try {
            Locked l = lock(rec);
            if (l.status != Status::Stopped) kill_everything(l);
        } catch (const std::exception& e) {
            log::warn(std::string("stopping container after a failed poststart hook: ") + e.what());
        }
        throw;
    }
}

}  // namespace

Container::Container(std::unique_ptr<ContainerRecord> record) : rec_(std::move(record)) {}
Container::Container(Container&&) noexcept = default;
Container& Container::operator=(Container&&) noexcept = default;
Container::~Container() = default;

const std::string& Container::id() const { return rec_->id; }
pid_t Container::init_pid() const { return rec_->cached.init_pid; }

ContainerState Container::state() const {
    Locked l = lock(*rec_);
    ContainerState s;
    s.ociVersion = l.st.ociVersion;
    s.id = l.st.id;
    s.status = l.status;
    s.pid = l.status == Status::Stopped ? 0 : l.st.init_pid;
    s.bundle = l.st.bundle;
    s.rootfs = l.st.rootfs;
    s.created = l.st.created;
    s.owner = l.st.owner;
    s.annotations = l.st.annotations;
    return s;
}

void Container::start() {
    if (rec_->start_socket) {
        // Created by this process for start (run): state.json already says started.
        UniqueFd sync = std::move(rec_->start_socket);
        release_init_over_sync(sync);
        log::debug("start ", rec_->id, ": init ", rec_->cached.init_pid, " released");
        run_poststart_hooks(*rec_, rec_->cached, [&] { return wait_for_process_exec_on_sync(sync.get()); });
        return;
    }
    UniqueFd released_fifo;
    state::StoredState st;
    {
        // Released before the poststart hooks run, so a hook may query this container.
        Locked l = lock(*rec_);
        release_init(l, *rec_, released_fifo);
        st = l.st;
        log::debug("start ", rec_->id, ": init ", st.init_pid, " released");
    }
    run_poststart_hooks(*rec_, st, [&] { return wait_for_process_exec(released_fifo.get()); });
}

void Container::kill(const KillOptions& opts) {
    Locked l = lock(*rec_);
    log::debug("kill ", l.st.id, ": signal ", opts.signal, opts.all ? " to all its processes" : " to its init",
               " (", to_string(l.status), ")");
    // runc 1.1: --all signals whatever is still in the cgroup, whatever the init's status, and
    // succeeds on a stopped container (signal 0 included); only the init's signal needs it alive.
    container::require_allowed(opts.all ? container::Operation::KillAll : container::Operation::Kill, l.status, l.st.id);
    if (opts.all && l.cgroup) {
        if (l.status == Status::Stopped && nothing_left_in(*l.cgroup)) return;
        l.cgroup->kill_all(opts.signal);
        return;
    }
    if (l.status == Status::Stopped) return;  // kill --all without a cgroup or an init: nothing to signal
    if (::kill(l.st.init_pid, opts.signal) != 0) {
        if (errno == ESRCH) container::refuse(container::Operation::Kill, Status::Stopped, l.st.id);  // died meanwhile
        throw sys_error("kill container " + l.st.id + " init " + std::to_string(l.st.init_pid));
    }
}

void Container::destroy(bool force) {
    std::optional<Locked> locked;
    try {
        locked.emplace(lock(*rec_));
    } catch (const UnreadableState& e) {
        if (!force) throw;
        remove_unreadable_container(*rec_, e.what());
        return;
    }
    Locked& l = *locked;
    log::debug("delete ", l.st.id, ": ", to_string(l.status), force ? ", forced" : "");
    container::require_allowed(force ? container::Operation::DeleteForce : container::Operation::Delete, l.status, l.st.id);
    if (l.status != Status::Stopped) {
        kill_everything(l);  // a created one, or any with --force
    } else if (force && l.cgroup && !nothing_left_in(*l.cgroup)) {
        // "Stopped" by state.json (its init pid gone or wrong) yet processes in the cgroup: a
        // forced delete must not leave them, nor the cgroup they keep busy.
        l.cgroup->kill_all(SIGKILL);
        if (l.cgroup->frozen()) l.cgroup->thaw();
        wait_until_empty(*l.cgroup, l.st.id);
    }
    fault::point("delete-processes-killed");
    remove_container(l, *rec_);
    log::debug("delete ", l.st.id, ": cgroup and state removed");
}

void Container::pause() {
    Locked l = lock(*rec_);
    container::require_allowed(container::Operation::Pause, l.status, l.st.id);
    if (!l.cgroup)
        throw Error("cannot toggle freezer: cgroups not configured for container " + l.st.id +  // runc's words
                    " (it was created without a cgroup: rootless with no cgroup it could create, or no cgroup driver plugin)");
    fault::point("pause-locked", l.st.init_pid);
    l.cgroup->freeze();
    fault::point("pause-frozen", l.st.init_pid);
}

void Container::resume() {
    Locked l = lock(*rec_);
    container::require_allowed(container::Operation::Resume, l.status, l.st.id);
    fault::point("resume-locked", l.st.init_pid);
    l.cgroup->thaw();  // Paused implies a cgroup
    fault::point("resume-thawed", l.st.init_pid);
}

std::vector<pid_t> Container::processes() const {
    Locked l = lock(*rec_);
    container::require_allowed(container::Operation::Processes, l.status, l.st.id);
    if (l.cgroup) return l.cgroup->pids();
    if (l.status == Status::Stopped) return {};
    std::vector<pid_t> pids{l.st.init_pid};
    for (pid_t p : container::process_descendants(l.st.init_pid)) pids.push_back(p);
    return pids;
}

std::string Container::stats_json() const {
    Locked l = lock(*rec_);
    container::require_allowed(container::Operation::Stats, l.status, l.st.id);
    if (!l.cgroup)
        throw Error("cannot read stats of container " + l.st.id + ": it was created without a cgroup (rootless with no cgroup it could create, or no cgroup driver plugin)");
    return l.cgroup->stats_json();
}

int Container::wait(const WaitOptions& opts) {
    if (!rec_->is_parent)
        throw Error("cannot wait for container " + rec_->id +
                    ": only the process that created it is the init's parent");
    if (opts.terminal_master >= 0)  // foreground process.terminal: terminal_proxy.hpp
        return log_exit(*rec_, container::proxy_terminal_until_exit(opts.terminal_master, rec_->cached.init_pid, !opts.no_subreaper));
    return log_exit(*rec_, container::wait_for_init(rec_->cached.init_pid, opts.forward_signals, !opts.no_subreaper));
}

void Container::block_forwarded_signals() { container::block_forwardable_signals(); }

}  // namespace ocirun
