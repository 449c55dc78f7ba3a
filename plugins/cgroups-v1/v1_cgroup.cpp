#include "v1_cgroup.hpp"

#include <chrono>
#include <set>
#include <thread>

#include "cgroup_files.hpp"
#include "v1_controllers.hpp"
#include "kill_all.hpp"
#include "oom_notifier.hpp"
#include "ocirun/error.hpp"
#include "stats_json.hpp"

namespace ocirun::cgroups::v1 {

std::string V1Cgroup::dir_of(const std::string& controller) const {
    auto it = saved_.paths.find(controller);
    return it == saved_.paths.end() ? std::string() : it->second;
}

void V1Cgroup::add_process(pid_t pid) {
    std::set<std::string> dirs;
    for (const auto& [controller, dir] : saved_.paths) dirs.insert(dir);
    // The caller itself (pid 0, single-threaded): through `tasks`, which for the current thread
    // needs no global threadgroup lock (and so no RCU grace period), unlike cgroup.procs.
    // (A hybrid host's cgroup2 dir has no `tasks`: "0" to its cgroup.procs moves the caller too.)
    for (const auto& dir : dirs) {
        if (pid == 0 && write_text_if_exists(fs::path(dir) / "tasks", "0")) continue;
        write_text(fs::path(dir) / "cgroup.procs", std::to_string(pid));
    }
}

void V1Cgroup::set_resources(const spec::LinuxResources& r) {
    if (!r.unified.empty())
        throw Error("linux.resources.unified requires cgroup v2 (invalid configuration: cannot use "
                    "unified on cgroup v1)");
    for (const auto& controller : all_controllers()) {
        if (!controller->wants(r)) continue;
        std::string dir = dir_of(controller->name());
        if (dir.empty()) {
            // Like runc, device rules are left alone on a host without the devices controller.
            if (std::string(controller->name()) == "devices") continue;
            throw Error(std::string(controller->field()) + ": cannot set " + controller->name() +
                        " limit: the " + controller->name() + " cgroup controller is not mounted on this host");
        }
        controller->validate(r);
        try {
            controller->apply(dir, r);
        } catch (const InvalidConfig&) {
            throw;  // already names its field
        } catch (const Error& e) {
            throw InvalidConfig(controller->field(), e.what(), e.kind());
        }
    }
}

void V1Cgroup::set_devices(const std::vector<spec::LinuxDeviceCgroup>& rules) {
    spec::LinuxResources r;
    r.devices = rules;
    // An empty rule list still means "the default allowed devices only".
    if (r.devices.empty()) r.devices.push_back({false, "a", std::nullopt, std::nullopt, "rwm"});
    set_resources(r);
}

std::vector<pid_t> V1Cgroup::pids() const {
    // Any hierarchy lists the same processes; prefer the ones every host has.
    for (const char* c : {"freezer", "pids", "memory", "devices", "cpu"}) {
        std::string dir = dir_of(c);
        if (!dir.empty()) return read_procs(dir, true);
    }
    if (saved_.paths.empty()) throw Error("cgroup has no directories");
    return read_procs(saved_.paths.begin()->second, true);
}

void V1Cgroup::write_freezer_state(const char* state) {
    std::string dir = dir_of("freezer");
    if (dir.empty()) throw Error("pause/resume need the freezer cgroup controller, which this host does not mount");
    write_text(fs::path(dir) / "freezer.state", state);
}

void V1Cgroup::freeze() {
    using namespace std::chrono_literals;
    const fs::path file = fs::path(dir_of("freezer")) / "freezer.state";
    // The kernel may stay in FREEZING while a task is in an uninterruptible sleep; re-writing
    // FROZEN retries the freeze (runc does the same). Bounded at about 5 seconds.
    for (int attempt = 0; attempt < 500; ++attempt) {
        if (attempt % 50 == 0) write_freezer_state("FROZEN");
        if (read_trimmed_if_exists(file).value_or("") == "FROZEN") return;
        std::this_thread::sleep_for(10ms);
    }
    write_freezer_state("THAWED");
    throw Error("freeze: " + file.string() + " did not reach FROZEN within 5 seconds");
}

void V1Cgroup::thaw() {
    using namespace std::chrono_literals;
    thaw_unified();
    write_freezer_state("THAWED");
    const fs::path file = fs::path(dir_of("freezer")) / "freezer.state";
    for (int attempt = 0; attempt < 500; ++attempt) {
        if (read_trimmed_if_exists(file).value_or("") == "THAWED") return;
        std::this_thread::sleep_for(10ms);
    }
    throw Error("thaw: " + file.string() + " did not reach THAWED within 5 seconds");
}

bool V1Cgroup::frozen() const {
    if (unified_frozen()) return true;
    std::string dir = dir_of("freezer");
    if (dir.empty()) return false;
    auto state = read_trimmed_if_exists(fs::path(dir) / "freezer.state").value_or("");
    return state == "FROZEN" || state == "FREEZING";
}

// A hybrid host's cgroup2 directory has a freezer of its own (cgroup.freeze, no controller
// needed): a task in a frozen one stops just as in a frozen v1 freezer cgroup, so it counts as
// frozen too (a create would otherwise wait forever on an init that joined it).
bool V1Cgroup::unified_frozen() const {
    const std::string dir = dir_of("");
    if (dir.empty() || !fs::exists(fs::path(dir) / "cgroup.events")) return false;
    return read_flat_keyed(fs::path(dir) / "cgroup.events")["frozen"] == 1;
}

// Whoever froze the cgroup2 directory, resume and kill need its tasks running again.
void V1Cgroup::thaw_unified() {
    const std::string dir = dir_of("");
    if (!dir.empty() && read_trimmed_if_exists(fs::path(dir) / "cgroup.freeze").value_or("0") != "0")
        write_text(fs::path(dir) / "cgroup.freeze", "0");
}

void V1Cgroup::kill_all(int signal) { freeze_signal_thaw(*this, signal, !dir_of("freezer").empty()); }

std::string V1Cgroup::stats_json() const {
    Stats stats;
    for (const auto& controller : all_controllers()) {
        std::string dir = dir_of(controller->name());
        if (!dir.empty()) controller->add_stats(dir, stats);
    }
    return stats_to_json(stats);
}

int V1Cgroup::open_oom_notifier() {
    std::string dir = dir_of("memory");
    if (dir.empty()) return -1;
    return open_v1_oom_eventfd(dir);
}

}  // namespace ocirun::cgroups::v1
