// The few systemd manager calls the driver makes, over D-Bus with sd-bus: start a transient
// scope and wait for its job, change a unit's properties, stop it, read its cgroup.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "unit_properties.hpp"

struct sd_bus;
struct sd_bus_slot;

namespace ocirun::cgroups::systemd {

// Empty when systemd runs as the init system here (/run/systemd/system exists), else why not.
std::string systemd_unavailable_reason();

class SystemdBus {
public:
    // Connects to the system bus, or to systemd's private socket when no bus daemon runs.
    // Throws ocirun::Error ("--systemd-cgroup: ...") when systemd is not running or not reachable.
    SystemdBus();
    ~SystemdBus();
    SystemdBus(const SystemdBus&) = delete;
    SystemdBus& operator=(const SystemdBus&) = delete;

    // StartTransientUnit(unit, "replace", properties) and wait until its job finished. Throws
    // naming the unit when it already exists or the job did not end in "done".
    void start_transient_unit(const std::string& unit, const std::vector<UnitProperty>& properties);
    // SetUnitProperties(unit, runtime=true, properties).
    void set_unit_properties(const std::string& unit, const std::vector<UnitProperty>& properties);
    // StopUnit(unit, "replace") and wait for the job; a unit already gone is fine.
    void stop_unit(const std::string& unit);
    // The unit's ControlGroup ("/system.slice/x.scope"); empty when systemd has no such unit.
    std::string control_group(const std::string& unit);

    // Called for each JobRemoved signal seen while waiting.
    void note_job_removed(const std::string& job, const std::string& result) {
        removed_jobs_.push_back(job + " " + result);
    }

private:
    // Owns a bus match slot: unsubscribes when it goes out of scope.
    struct SlotRef {
        sd_bus_slot* slot = nullptr;
        SlotRef() = default;
        SlotRef(SlotRef&& other) noexcept : slot(std::exchange(other.slot, nullptr)) {}
        SlotRef(const SlotRef&) = delete;
        SlotRef& operator=(const SlotRef&) = delete;
        SlotRef& operator=(SlotRef&&) = delete;
        ~SlotRef();
    };
    // Starts collecting JobRemoved signals (see note_job_removed) until the returned guard goes;
    // called before a job is asked for, so that it cannot finish unseen.
    SlotRef watch_jobs();
    void wait_for_job(const std::string& job, const std::string& what);
    sd_bus* bus_ = nullptr;
    std::vector<std::string> removed_jobs_;  // JobRemoved seen: "path result"
};

}  // namespace ocirun::cgroups::systemd
