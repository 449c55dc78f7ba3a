// The cgroups-systemd cgroup driver (--systemd-cgroup): each container is a transient scope
// unit that systemd creates holding the container's init (StartTransientUnit, Delegate=yes,
// DefaultDependencies=no), placed and named like runc's systemd driver; the resources systemd
// owns are unit properties, and every knob is also written to the scope's cgroup files by the
// v1/v2 drivers' code, as runc does.
#include <algorithm>
#include <filesystem>

#include "cgroups_path.hpp"
#include "created_dirs.hpp"
#include "device_rules.hpp"
#include "driver_features.hpp"
#include "hierarchies.hpp"
#include "ocirun_host/cgroup_mode.hpp"
#include "ocirun/error.hpp"
#include "ocirun/plugin.hpp"
#include "scope_placement.hpp"
#include "systemd_bus.hpp"
#include "systemd_cgroup.hpp"
#include "unified.hpp"
#include "unit_properties.hpp"
#include "v1_cgroup.hpp"
#include "v1_controllers.hpp"
#include "v2_cgroup.hpp"
#include "v2_controllers.hpp"

namespace ocirun::cgroups::systemd {
namespace {

namespace fs = std::filesystem;

bool host_is_unified() { return host::cgroup_mode() == host::CgroupMode::Unified; }

// The unit's own properties (runc's set), before the resources.
std::vector<UnitProperty> scope_properties(const plugin::CgroupConfig& config, const ScopePlacement& placement,
                                           bool unified) {
    std::vector<UnitProperty> out = {
        {"Description", std::string("ocirun container ") + config.container_id},
        {"Slice", placement.slice},
        {"Delegate", true},
        {"PIDs", PidList{static_cast<std::uint32_t>(config.init_pid)}},
        {"DefaultDependencies", false},
        {"MemoryAccounting", true},
        {"CPUAccounting", true},
        {unified ? "IOAccounting" : "BlockIOAccounting", true},
        {"TasksAccounting", true},
    };
    return out;
}

// The scope's directory in each hierarchy: systemd made those it manages; the others (v1
// cpuset, freezer, net_cls...) are made here and recorded in `saved.created`.
std::unique_ptr<plugin::Cgroup> v1_files_for(const std::string& control_group, SavedCgroup& saved) {
    Placement placement;
    placement.path = control_group.substr(control_group.find_first_not_of('/'));
    const v1::Layout layout = v1::discover_layout();
    auto place_in = [&](const v1::Hierarchy& h) {
        const std::string relative = h.relative_dir(placement);
        make_cgroup_dirs(h.mount_point, relative, saved.created);
        const fs::path dir = fs::path(h.mount_point) / relative;
        for (const auto& controller : v1::all_controllers())
            if (std::find(h.controllers.begin(), h.controllers.end(), controller->name()) != h.controllers.end())
                controller->prepare_dir(dir);
        if (h.controllers.empty()) saved.paths[""] = dir.string();
        for (const auto& c : h.controllers) saved.paths[c] = dir.string();
    };
    for (const auto& h : layout.v1) place_in(h);
    if (layout.unified) place_in(*layout.unified);
    auto cgroup = std::make_unique<v1::V1Cgroup>(saved);
    return cgroup;
}

class SystemdDriver final : public plugin::CgroupDriver {
public:
    plugin::Info info() const override {
        return {kDriverName, plugin::Kind::CgroupDriver, "0.1.0",
                "systemd transient scopes over D-Bus (--systemd-cgroup), runc-compatible placement and properties"};
    }

    std::string unavailable_reason(const plugin::HostContext& host) const override {
        if (host.rootless) return "rootless containers would need systemd's user instance, which cgroups-systemd does not drive";
        if (host::cgroup_mode() == host::CgroupMode::None) return host::kNoCgroupFilesystem;
        return systemd_unavailable_reason();
    }

    // The v1/v2 driver's document for this host's version, plus runc's linux.cgroup.systemd.
    std::string features_json() const override {
        std::string json = host_is_unified()
                               ? driver_features_json("v2", kDriverName, v2::all_controllers(), {"devices", "freezer"})
                               : driver_features_json("v1", kDriverName, v1::all_controllers(), {});
        const std::string cgroup_key = R"("cgroup":{)";
        json.insert(json.find(cgroup_key) + cgroup_key.size(), R"("systemd":true,)");
        return json;
    }

    bool needs_init_pid() const override { return true; }

    void validate(const plugin::CgroupConfig& config, const plugin::HostContext& host) const override {
        validate_offline(config, host);
        SystemdBus reachable;  // systemd must be there before anything is made
    }

    std::unique_ptr<plugin::Cgroup> create(const plugin::CgroupConfig& config, const plugin::HostContext& host) override {
        validate_offline(config, host);
        if (config.init_pid <= 0) throw Error("cgroups-systemd: create needs the container init's pid");
        const ScopePlacement placement = scope_placement(config);
        const bool unified = host_is_unified();
        SystemdBus bus;  // throws the same clear errors as validate() when systemd went away
        std::vector<UnitProperty> properties = scope_properties(config, placement, unified);
        if (config.resources) {
            auto resources = resource_properties(*config.resources, unified);
            properties.insert(properties.end(), resources.begin(), resources.end());
        }
        auto devices = device_properties(config.resources ? config.resources->devices : std::vector<spec::LinuxDeviceCgroup>{}, false);
        properties.insert(properties.end(), devices.begin(), devices.end());
        bus.start_transient_unit(placement.unit, properties);

        SavedCgroup saved;
        try {
            std::string control_group = bus.control_group(placement.unit);
            if (control_group.empty()) control_group = expand_slice(placement.slice) + "/" + placement.unit;
            auto cgroup = std::make_unique<SystemdCgroup>(placement.unit, unified, files_for(control_group, unified, saved));
            apply_files(*cgroup, config, unified, saved);
            return cgroup;
        } catch (...) {
            try {
                bus.stop_unit(placement.unit);
                remove_cgroup_dirs(saved.created);
            } catch (const std::exception&) {
            }
            throw;
        }
    }

    std::unique_ptr<plugin::Cgroup> open(const std::string& saved, const plugin::HostContext&) override {
        return SystemdCgroup::from_saved(saved);
    }

    std::unique_ptr<plugin::Cgroup> find(const plugin::CgroupConfig& config, const plugin::HostContext&) override {
        const ScopePlacement placement = scope_placement(config);
        const bool unified = host_is_unified();
        SystemdBus bus;
        const std::string control_group = bus.control_group(placement.unit);
        if (control_group.empty()) return nullptr;
        SavedCgroup saved;
        if (unified) {
            saved.driver = v2::kDriverName;
            saved.paths[""] = std::string(host::kCgroupRoot) + control_group;
            return std::make_unique<SystemdCgroup>(placement.unit, true, std::make_unique<v2::V2Cgroup>(saved));
        }
        saved.driver = v1::kDriverName;
        return std::make_unique<SystemdCgroup>(placement.unit, false, v1_files_for(control_group, saved));
    }

private:
    // Everything validate() checks but systemd's presence.
    void validate_offline(const plugin::CgroupConfig& config, const plugin::HostContext& host) const {
        scope_placement(config);
        if (host.rootless) throw Error("--systemd-cgroup: " + unavailable_reason(host));
        validate_resources(config);
    }

    static std::unique_ptr<plugin::Cgroup> files_for(const std::string& control_group, bool unified, SavedCgroup& saved) {
        if (unified) {
            saved.driver = v2::kDriverName;
            saved.paths[""] = std::string(host::kCgroupRoot) + control_group;
            return std::make_unique<v2::V2Cgroup>(saved);
        }
        saved.driver = v1::kDriverName;
        return v1_files_for(control_group, saved);
    }

    // The knobs written to the files, as the v1/v2 drivers write them on create (the device
    // rules, the defaults when none are given, enforced by the driver's own mechanism too).
    static void apply_files(SystemdCgroup& cgroup, const plugin::CgroupConfig& config, bool unified, const SavedCgroup& saved) {
        const bool no_rules = !config.resources || config.resources->devices.empty();
        if (unified) {
            v2::V2Cgroup files(saved);
            if (config.resources) files.set_resources(*config.resources);
            if (no_rules) files.set_devices({});
        } else {
            v1::V1Cgroup files(saved);
            if (config.resources) files.set_resources(*config.resources);
            if (no_rules) files.set_devices({});
        }
        (void)cgroup;
    }

    // The resource checks of the driver whose files will be written (v1 or v2).
    static void validate_resources(const plugin::CgroupConfig& config) {
        if (!config.resources) return;
        const auto& r = *config.resources;
        try {
            container_device_rules(r.devices);
            resource_properties(r, host_is_unified());
            if (host_is_unified()) {
                v2::validate_unified(r);
                for (const auto& controller : v2::all_controllers())
                    if (controller->wants(r)) controller->validate(r);
            } else {
                if (!r.unified.empty())
                    throw Error("linux.resources.unified requires cgroup v2 (invalid configuration: cannot use unified on cgroup v1)");
                for (const auto& controller : v1::all_controllers())
                    if (controller->wants(r)) controller->validate(r);
            }
        } catch (const Error& e) {
            throw Error(std::string("config.json: ") + e.what());
        }
    }
};

}  // namespace
}  // namespace ocirun::cgroups::systemd

OCIRUN_PLUGIN(ocirun::cgroups::systemd::SystemdDriver)
