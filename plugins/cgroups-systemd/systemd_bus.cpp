#include "systemd_bus.hpp"

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <type_traits>

#include "ocirun/error.hpp"

namespace ocirun::cgroups::systemd {

namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kPrivateSocket = "unix:path=/run/systemd/private";
constexpr auto kJobTimeout = std::chrono::seconds(30);

// Frees sd-bus objects at scope exit.
struct MessageRef {
    sd_bus_message* m = nullptr;
    ~MessageRef() { sd_bus_message_unref(m); }
};
struct ErrorRef {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~ErrorRef() { sd_bus_error_free(&e); }
};

std::string errno_text(int negative_errno) { return std::strerror(-negative_errno); }

// Throws naming what failed when an sd-bus call returned a negative errno.
void check(int r, const std::string& what) {
    if (r < 0) throw Error(what + ": " + errno_text(r));
}

std::string error_text(const sd_bus_error& e, int r) {
    if (e.message && *e.message) return e.message;
    return errno_text(r);
}

void append_property(sd_bus_message* m, const UnitProperty& p) {
    check(sd_bus_message_open_container(m, 'r', "sv"), "D-Bus message");
    check(sd_bus_message_append_basic(m, 's', p.name.c_str()), "D-Bus message");
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                int b = v ? 1 : 0;
                check(sd_bus_message_append(m, "v", "b", b), "D-Bus message " + p.name);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                check(sd_bus_message_append(m, "v", "t", v), "D-Bus message " + p.name);
            } else if constexpr (std::is_same_v<T, std::string>) {
                check(sd_bus_message_append(m, "v", "s", v.c_str()), "D-Bus message " + p.name);
            } else if constexpr (std::is_same_v<T, ByteArray>) {
                check(sd_bus_message_open_container(m, 'v', "ay"), "D-Bus message " + p.name);
                check(sd_bus_message_append_array(m, 'y', v.data(), v.size()), "D-Bus message " + p.name);
                check(sd_bus_message_close_container(m), "D-Bus message " + p.name);
            } else if constexpr (std::is_same_v<T, PidList>) {
                check(sd_bus_message_open_container(m, 'v', "au"), "D-Bus message " + p.name);
                check(sd_bus_message_append_array(m, 'u', v.data(), v.size() * sizeof(std::uint32_t)),
                      "D-Bus message " + p.name);
                check(sd_bus_message_close_container(m), "D-Bus message " + p.name);
            } else {  // DeviceAllowList
                check(sd_bus_message_open_container(m, 'v', "a(ss)"), "D-Bus message " + p.name);
                check(sd_bus_message_open_container(m, 'a', "(ss)"), "D-Bus message " + p.name);
                for (const auto& [path, access] : v)
                    check(sd_bus_message_append(m, "(ss)", path.c_str(), access.c_str()), "D-Bus message " + p.name);
                check(sd_bus_message_close_container(m), "D-Bus message " + p.name);
                check(sd_bus_message_close_container(m), "D-Bus message " + p.name);
            }
        },
        p.value);
    check(sd_bus_message_close_container(m), "D-Bus message");
}

void append_properties(sd_bus_message* m, const std::vector<UnitProperty>& properties) {
    check(sd_bus_message_open_container(m, 'a', "(sv)"), "D-Bus message");
    for (const auto& p : properties) append_property(m, p);
    check(sd_bus_message_close_container(m), "D-Bus message");
}

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    std::uint32_t id = 0;
    const char *job = nullptr, *unit = nullptr, *result = nullptr;
    if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0) return 0;
    static_cast<SystemdBus*>(userdata)->note_job_removed(job, result);
    return 0;
}

}  // namespace

SystemdBus::SlotRef::~SlotRef() { sd_bus_slot_unref(slot); }

std::string systemd_unavailable_reason() {
    if (sd_booted() <= 0) return "systemd not running on this host, cannot use systemd cgroups manager (no /run/systemd/system)";
    return {};
}

SystemdBus::SystemdBus() {
    if (std::string why = systemd_unavailable_reason(); !why.empty())
        throw Error("--systemd-cgroup: " + why);
    int r = sd_bus_open_system(&bus_);
    if (r < 0 && ::geteuid() == 0) {
        // No bus daemon: systemd also listens on its private socket for root.
        const std::string system_bus_error = errno_text(r);
        bus_ = sd_bus_unref(bus_);
        int p = sd_bus_new(&bus_);
        if (p >= 0) p = sd_bus_set_address(bus_, kPrivateSocket);
        if (p >= 0) p = sd_bus_start(bus_);
        if (p < 0) {
            bus_ = sd_bus_unref(bus_);
            throw Error("--systemd-cgroup: cannot reach systemd over D-Bus (system bus: " + system_bus_error +
                        "; /run/systemd/private: " + errno_text(p) + ")");
        }
        r = 0;
    }
    if (r < 0) throw Error("--systemd-cgroup: cannot reach systemd over D-Bus (system bus: " + errno_text(r) + ")");
}

SystemdBus::~SystemdBus() { sd_bus_flush_close_unref(bus_); }

SystemdBus::SlotRef SystemdBus::watch_jobs() {
    SlotRef watching;
    check(sd_bus_match_signal(bus_, &watching.slot, kService, kManagerPath, kManager, "JobRemoved", on_job_removed,
                              this),
          "D-Bus: watch systemd's jobs");
    // Signals reach clients subscribed to the manager (needed on systemd's private socket; on the
    // system bus the match alone is enough, so a failure here is not fatal).
    ErrorRef error;
    MessageRef reply;
    sd_bus_call_method(bus_, kService, kManagerPath, kManager, "Subscribe", &error.e, &reply.m, "");
    return watching;
}

void SystemdBus::start_transient_unit(const std::string& unit, const std::vector<UnitProperty>& properties) {
    const SlotRef watching = watch_jobs();
    MessageRef call;
    check(sd_bus_message_new_method_call(bus_, &call.m, kService, kManagerPath, kManager, "StartTransientUnit"),
          "D-Bus message");
    check(sd_bus_message_append(call.m, "ss", unit.c_str(), "replace"), "D-Bus message");
    append_properties(call.m, properties);
    check(sd_bus_message_append(call.m, "a(sa(sv))", 0), "D-Bus message");
    ErrorRef error;
    MessageRef reply;
    const int r = sd_bus_call(bus_, call.m, 0, &error.e, &reply.m);
    if (r < 0) {
        if (sd_bus_error_has_name(&error.e, "org.freedesktop.systemd1.UnitExists"))
            throw Error("unit " + unit + " already exists (another container or service uses this linux.cgroupsPath)");
        throw Error("systemd StartTransientUnit " + unit + ": " + error_text(error.e, r));
    }
    const char* job = nullptr;
    check(sd_bus_message_read(reply.m, "o", &job), "systemd StartTransientUnit reply");
    wait_for_job(job, "start " + unit);
}

void SystemdBus::wait_for_job(const std::string& job, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
    for (;;) {
        for (const auto& seen : removed_jobs_) {
            if (seen.rfind(job + " ", 0) != 0) continue;
            const std::string result = seen.substr(job.size() + 1);
            if (result != "done") throw Error("systemd job to " + what + " ended with \"" + result + "\"");
            return;
        }
        const int r = sd_bus_process(bus_, nullptr);
        check(r, "D-Bus: read systemd's signals");
        if (r > 0) continue;
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error("timed out waiting for systemd's job to " + what);
        check(sd_bus_wait(bus_, 100000), "D-Bus: wait for systemd");
    }
}

void SystemdBus::set_unit_properties(const std::string& unit, const std::vector<UnitProperty>& properties) {
    if (properties.empty()) return;
    MessageRef call;
    check(sd_bus_message_new_method_call(bus_, &call.m, kService, kManagerPath, kManager, "SetUnitProperties"),
          "D-Bus message");
    check(sd_bus_message_append(call.m, "sb", unit.c_str(), 1), "D-Bus message");
    append_properties(call.m, properties);
    ErrorRef error;
    MessageRef reply;
    const int r = sd_bus_call(bus_, call.m, 0, &error.e, &reply.m);
    if (r < 0) throw Error("systemd SetUnitProperties " + unit + ": " + error_text(error.e, r));
}

void SystemdBus::stop_unit(const std::string& unit) {
    const SlotRef watching = watch_jobs();
    ErrorRef error;
    MessageRef reply;
    const int r = sd_bus_call_method(bus_, kService, kManagerPath, kManager, "StopUnit", &error.e, &reply.m, "ss",
                                     unit.c_str(), "replace");
    if (r < 0) {
        if (sd_bus_error_has_name(&error.e, "org.freedesktop.systemd1.NoSuchUnit")) return;  // already gone
        throw Error("systemd StopUnit " + unit + ": " + error_text(error.e, r));
    }
    const char* job = nullptr;
    check(sd_bus_message_read(reply.m, "o", &job), "systemd StopUnit reply");
    wait_for_job(job, "stop " + unit);
}

std::string SystemdBus::control_group(const std::string& unit) {
    char* path = nullptr;
    check(sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &path), "D-Bus object path");
    const std::string object(path);
    std::free(path);
    ErrorRef error;
    char* cgroup = nullptr;
    const int r = sd_bus_get_property_string(bus_, kService, object.c_str(), "org.freedesktop.systemd1.Scope",
                                             "ControlGroup", &error.e, &cgroup);
    if (r < 0) {
        if (sd_bus_error_has_name(&error.e, "org.freedesktop.systemd1.NoSuchUnit")) return {};
        throw Error("systemd: read ControlGroup of " + unit + ": " + error_text(error.e, r));
    }
    std::string out(cgroup ? cgroup : "");
    std::free(cgroup);
    return out;
}

}  // namespace ocirun::cgroups::systemd
