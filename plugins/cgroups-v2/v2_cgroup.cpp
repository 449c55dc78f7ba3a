#include "v2_cgroup.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "cgroup_files.hpp"
#include "v2_controllers.hpp"
#include "kill_all.hpp"
#include "ocirun/error.hpp"
#include "device_program.hpp"
#include "device_program_attach.hpp"
#include "ocirun_host/proc.hpp"
#include "oom_notifier.hpp"
#include "unified.hpp"

namespace ocirun::cgroups::v2 {

static std::vector<std::string> enabled_controllers(const fs::path& dir) {
    std::vector<std::string> out;
    std::istringstream in(read_trimmed_if_exists(dir / "cgroup.controllers").value_or(""));
    for (std::string c; in >> c;) out.push_back(c);
    return out;
}

void V2Cgroup::add_process(pid_t pid) { write_text(fs::path(dir()) / "cgroup.procs", std::to_string(pid)); }

void V2Cgroup::set_resources(const spec::LinuxResources& r) {
    const DeviceRuleSet devices = container_device_rules(r.devices);  // refuse bad rules first
    const fs::path d = dir();
    auto available = enabled_controllers(d);
    for (const auto& controller : all_controllers()) {
        if (!controller->wants(r)) continue;
        if (std::find(available.begin(), available.end(), controller->name()) == available.end())
            throw Error(std::string(controller->field()) + ": cannot set " + controller->name() +
                        " limit: the " + controller->name() + " controller is not available in " + d.string());
        controller->validate(r);
        try {
            controller->apply(d, r);
        } catch (const InvalidConfig&) {
            throw;  // already names its field
        } catch (const Error& e) {
            throw InvalidConfig(controller->field(), e.what(), e.kind());
        }
    }
    apply_unified(d, r);
    if (!r.devices.empty()) set_device_program(devices);
}

void V2Cgroup::set_devices(const std::vector<spec::LinuxDeviceCgroup>& rules) {
    set_device_program(container_device_rules(rules));
}

void V2Cgroup::set_device_program(const DeviceRuleSet& rules) {
    // The kernel refuses device programs inside a user namespace; runc skips them there too.
    if (host::running_in_user_namespace()) return;
    attach_device_program(dir(), compile_device_program(rules));
}

int V2Cgroup::open_oom_notifier() { return open_v2_oom_inotify(dir()); }

std::vector<pid_t> V2Cgroup::pids() const { return read_procs(dir(), true); }

void V2Cgroup::set_frozen(bool want) {
    using namespace std::chrono_literals;
    const fs::path d = dir();
    write_text(d / "cgroup.freeze", want ? "1" : "0");
    for (int attempt = 0; attempt < 500; ++attempt) {
        if (frozen() == want) return;
        std::this_thread::sleep_for(10ms);
    }
    if (want) write_text(d / "cgroup.freeze", "0");
    throw Error(std::string(want ? "freeze" : "thaw") + ": " + (d / "cgroup.events").string() +
                " did not report frozen " + (want ? "1" : "0") + " within 5 seconds");
}

void V2Cgroup::freeze() { set_frozen(true); }
void V2Cgroup::thaw() { set_frozen(false); }

bool V2Cgroup::frozen() const { return read_flat_keyed(fs::path(dir()) / "cgroup.events")["frozen"] == 1; }

void V2Cgroup::kill_all(int signal) {
    std::error_code ec;
    // cgroup.kill (5.14+) kills the whole subtree atomically; only for SIGKILL.
    if (signal == SIGKILL && fs::exists(fs::path(dir()) / "cgroup.kill", ec)) {
        write_text(fs::path(dir()) / "cgroup.kill", "1");
        return;
    }
    freeze_signal_thaw(*this, signal, true);
}

std::string V2Cgroup::stats_json() const {
    Stats stats;
    auto available = enabled_controllers(dir());
    for (const auto& controller : all_controllers())
        if (std::find(available.begin(), available.end(), controller->name()) != available.end())
            controller->add_stats(dir(), stats);
    return stats_to_json(stats);
}

}  // namespace ocirun::cgroups::v2
