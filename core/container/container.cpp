// Container: the lifecycle operations on one existing container. Each call locks the state dir,
// derives the status from the host, and checks the transition is legal (runc's error texts).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "container/container_record.hpp"
#include "container/init_waiter.hpp"
#include "container/process_info.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "ocirun/ocirun.hpp"
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

Locked lock(ContainerRecord& rec) {
    state::StateStore store(rec.root);
    if (!fs::exists(store.root() / rec.id)) throw Error("container does not exist");
    Locked l{store.open(rec.id), {}, nullptr, Status::Stopped};
    l.st = l.dir.load();
    rec.cached = l.st;
    l.cgroup = container::open_stored_cgroup(l.st, *rec.plugins, rec.host);
    l.status = container::derive_status(l.st, l.dir.path(), l.cgroup.get());
    return l;
}

constexpr int kExitTimeoutMs = 10000;

// SIGKILL everything of the container and wait until it is gone.
void kill_everything(Locked& l) {
    if (l.cgroup) {
        l.cgroup->kill_all(SIGKILL);
        if (l.cgroup->frozen()) l.cgroup->thaw();  // frozen tasks die only once thawed
    } else {
        ::kill(l.st.init_pid, SIGKILL);
    }
    if (!container::wait_for_process_exit(l.st.init_pid, l.st.init_start_time, kExitTimeoutMs))
        throw Error("container " + l.st.id + ": init " + std::to_string(l.st.init_pid) +
                    " did not die after SIGKILL");
    if (!l.cgroup) return;
    for (int waited = 0; !l.cgroup->pids().empty(); waited += 10) {
        if (waited >= kExitTimeoutMs)
            throw Error("container " + l.st.id + ": processes left in its cgroup after SIGKILL");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void remove_container(Locked& l) {
    if (l.cgroup) l.cgroup->destroy();
    // TODO(hooks issue): run the poststop hooks here (failures only warn, like runc).
    l.dir.remove();
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
    Locked l = lock(*rec_);
    switch (l.status) {
        case Status::Created: break;
        case Status::Stopped: throw Error("cannot start a container that has stopped");
        case Status::Paused: throw Error("cannot start a container in the paused state");
        default: throw Error("cannot start an already running container");
    }
    const fs::path fifo = l.dir.path() / container::kExecFifoName;
    // Non-blocking open: a blocking one would hang forever if the init died meanwhile.
    UniqueFd fd(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) throw sys_error("open exec fifo " + fifo.string());
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
            throw Error("cannot start a container that has stopped");
    }
    ::unlink(fifo.c_str());
    l.st.started = true;
    l.dir.save(l.st);
    rec_->cached = l.st;
    // TODO(hooks issue): run startContainer (in the container, before exec) and poststart hooks.
}

void Container::kill(const KillOptions& opts) {
    Locked l = lock(*rec_);
    if (l.status == Status::Stopped) throw Error("container not running");
    if (opts.all && l.cgroup) {
        l.cgroup->kill_all(opts.signal);
        return;
    }
    if (::kill(l.st.init_pid, opts.signal) != 0) {
        if (errno == ESRCH) throw Error("container not running");
        throw sys_error("kill container " + l.st.id + " init " + std::to_string(l.st.init_pid));
    }
}

void Container::destroy(bool force) {
    Locked l = lock(*rec_);
    switch (l.status) {
        case Status::Stopped:
            break;
        case Status::Created:
            kill_everything(l);
            break;
        default:
            if (!force)
                throw Error("cannot delete container " + l.st.id + " that is not stopped: " +
                            to_string(l.status));
            kill_everything(l);
    }
    remove_container(l);
}

void Container::pause() {
    Locked l = lock(*rec_);
    if (l.status != Status::Running && l.status != Status::Created) throw Error("container not running");
    if (!l.cgroup)
        throw Error("cannot pause container " + l.st.id + ": it has no cgroup (no cgroup driver plugin was installed when it was created)");
    l.cgroup->freeze();
}

void Container::resume() {
    Locked l = lock(*rec_);
    if (l.status != Status::Paused) throw Error("container not paused");
    l.cgroup->thaw();  // Paused implies a cgroup
}

std::vector<pid_t> Container::processes() const {
    Locked l = lock(*rec_);
    if (l.cgroup) return l.cgroup->pids();
    if (l.status == Status::Stopped) return {};
    std::vector<pid_t> pids{l.st.init_pid};
    for (pid_t p : container::process_descendants(l.st.init_pid)) pids.push_back(p);
    return pids;
}

std::string Container::stats_json() const {
    Locked l = lock(*rec_);
    if (l.status == Status::Stopped) throw Error("container not running");
    if (!l.cgroup)
        throw Error("cannot read stats of container " + l.st.id + ": it has no cgroup (no cgroup driver plugin was installed when it was created)");
    return l.cgroup->stats_json();
}

int Container::wait(const WaitOptions& opts) {
    if (!rec_->is_parent)
        throw Error("cannot wait for container " + rec_->id +
                    ": only the process that created it is the init's parent");
    return container::wait_for_init(rec_->cached.init_pid, opts.forward_signals, !opts.no_subreaper);
}

void Container::block_forwarded_signals() { container::block_forwardable_signals(); }

}  // namespace ocirun
