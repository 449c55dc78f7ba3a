// Container::watch_events: runc's `events` stream. Stats every interval, an "oom" event each
// time the OOM killer acts in the container's memory cgroup, until the container stops.
//
// Waking up: the driver's OOM notifier (v1: an eventfd on memory.oom_control; v2: inotify on
// memory.events) or, for a driver without one, the core's own inotify on the counter file; a
// pidfd on the init ends the stream promptly. What woke us is checked against the oom_kill
// counter, since memory.events also changes for other counters.
#include <poll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "container/cgroup_view.hpp"
#include "container/process_info.hpp"
#include "container/state_rules.hpp"
#include "ocirun/ocirun.hpp"
#include "util/go_json.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {
namespace {

using Clock = std::chrono::steady_clock;

std::string event_json(const char* type, const std::string& id, const std::string* data) {
    std::string out = "{\"type\":\"";
    out += type;
    out += "\",\"id\":" + gojson::quote(id);
    if (data) out += ",\"data\":" + *data;
    return out + "}";
}

// The "oom_kill N" line of a flat-keyed cgroup file; nullopt when the file is gone.
std::optional<unsigned long long> read_oom_kills(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::string key;
    unsigned long long value = 0;
    while (in >> key >> value)
        if (key == "oom_kill") return value;
    return 0;
}

// Where the OOM kill counter lives: v1 memory.oom_control, v2 memory.events.
fs::path oom_counter_file(const plugin::Cgroup& cgroup) {
    const auto paths = cgroup.paths();
    if (auto it = paths.find("memory"); it != paths.end()) return fs::path(it->second) / "memory.oom_control";
    if (auto it = paths.find(""); it != paths.end() && fs::exists(fs::path(it->second) / "memory.events"))
        return fs::path(it->second) / "memory.events";
    return {};
}

void drain(int fd) {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {}
}

}  // namespace

void Container::watch_events(std::chrono::milliseconds interval,
                             const std::function<void(const std::string&)>& on_event) {
    UniqueFd oom_fd, inotify_fd, pid_fd;
    fs::path counter_file;
    std::optional<unsigned long long> oom_kills;
    {
        container::CgroupView v = container::open_cgroup_view(*rec_);
        container::require_allowed(container::Operation::Events, v.status, v.st.id);
        if (!v.cgroup)
            throw Error("cannot watch events of container " + v.st.id +
                        ": it has no cgroup (no cgroup driver plugin was installed when it was created)");
        counter_file = oom_counter_file(*v.cgroup);
        if (!counter_file.empty()) oom_kills = read_oom_kills(counter_file);
        oom_fd.reset(v.cgroup->open_oom_notifier());
        if (!oom_fd && !counter_file.empty()) {
            inotify_fd.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
            if (!inotify_fd) throw sys_error("inotify_init1 for " + counter_file.string());
            if (::inotify_add_watch(inotify_fd.get(), counter_file.c_str(), IN_MODIFY) < 0)
                throw sys_error("inotify_add_watch " + counter_file.string());
        }
        pid_fd.reset(static_cast<int>(::syscall(SYS_pidfd_open, v.st.init_pid, 0)));
        // A pidfd opened after the pid was recycled would watch a stranger: check it is our init.
        if (pid_fd && !container::process_is_alive(v.st.init_pid, v.st.init_start_time)) return;
    }

    // Only v1's eventfd means "an OOM happened" by itself; memory.events changes for any counter.
    const bool notifier_means_oom = counter_file.empty() || counter_file.filename() == "memory.oom_control";
    auto report_ooms = [&](bool notifier_fired) {
        const bool woke_v1_eventfd = notifier_fired && notifier_means_oom;
        if (counter_file.empty()) {
            if (woke_v1_eventfd) on_event(event_json("oom", id(), nullptr));
            return;
        }
        auto now = read_oom_kills(counter_file);
        if (!now) return;  // the cgroup was removed (v1 signals the eventfd then too)
        // v1's eventfd also fires when the OOM killer is disabled (nothing killed): report that.
        unsigned long long fresh = oom_kills && *now > *oom_kills ? *now - *oom_kills : 0;
        if (fresh == 0 && woke_v1_eventfd) fresh = 1;
        oom_kills = now;
        for (unsigned long long i = 0; i < fresh; ++i) on_event(event_json("oom", id(), nullptr));
    };

    auto next_stats = Clock::now() + interval;  // like runc: the first stats after one interval
    for (;;) {
        pollfd fds[3];
        nfds_t n = 0;
        int oom_index = -1, inotify_index = -1, pid_index = -1;
        if (oom_fd) { oom_index = n; fds[n++] = {oom_fd.get(), POLLIN, 0}; }
        if (inotify_fd) { inotify_index = n; fds[n++] = {inotify_fd.get(), POLLIN, 0}; }
        if (pid_fd) { pid_index = n; fds[n++] = {pid_fd.get(), POLLIN, 0}; }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - Clock::now());
        // Without a pidfd, look at the status at least every second.
        if (!pid_fd && wait > std::chrono::seconds(1)) wait = std::chrono::seconds(1);
        int r = ::poll(fds, n, static_cast<int>(std::max<long long>(0, wait.count())));
        if (r < 0 && errno != EINTR) throw sys_error("poll for events of container " + id());
        if (r > 0) {
            bool notifier_fired = false;
            if (oom_index >= 0 && (fds[oom_index].revents & POLLIN)) {
                // One read: an eventfd gives its 8-byte count, an inotify fd its queued events
                // (a remainder only wakes the next poll). An eventfd is blocking: never loop.
                char buf[4096];
                if (::read(oom_fd.get(), buf, sizeof buf) > 0) notifier_fired = true;
            }
            if (inotify_index >= 0 && (fds[inotify_index].revents & POLLIN)) drain(inotify_fd.get());
            report_ooms(notifier_fired);
            if (pid_index >= 0 && (fds[pid_index].revents & POLLIN)) return;  // the init exited
        }
        const bool stats_due = Clock::now() >= next_stats;
        if (!fs::exists(rec_->root / rec_->id)) return;  // deleted meanwhile
        std::string data;
        {
            container::CgroupView v = container::open_cgroup_view(*rec_);
            if (v.status == Status::Stopped) return;
            if (stats_due) data = v.cgroup->stats_json();
        }  // unlocked before printing: a slow reader must not block other commands
        if (stats_due) {
            on_event(event_json("stats", id(), &data));
            next_stats += interval;
            if (next_stats < Clock::now()) next_stats = Clock::now() + interval;
        }
    }
}

}  // namespace ocirun
