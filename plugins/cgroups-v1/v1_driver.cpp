// The cgroups-v1 cgroup driver: placement and creation of a container's cgroup on legacy and
// hybrid hosts, following runc's cgroupfs driver.
#include <algorithm>
#include <optional>
#include <set>

#include "cgroup_files.hpp"
#include "cgroups_path.hpp"
#include "v1_controllers.hpp"
#include "created_dirs.hpp"
#include "driver_features.hpp"
#include "hierarchies.hpp"
#include "ocirun_host/cgroup_mode.hpp"
#include "ocirun/error.hpp"
#include "ocirun/plugin.hpp"
#include "v1_cgroup.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class V1Driver final : public plugin::CgroupDriver {
public:
    plugin::Info info() const override {
        return {kDriverName, plugin::Kind::CgroupDriver, "0.1.0",
                "cgroup v1 (legacy and hybrid hosts) via cgroupfs, runc-compatible placement"};
    }

    std::string unavailable_reason(const plugin::HostContext&) const override {
        switch (host::cgroup_mode()) {
            case host::CgroupMode::Legacy:
            case host::CgroupMode::Hybrid: return {};
            case host::CgroupMode::Unified: return "this host uses cgroup v2 only (/sys/fs/cgroup is a cgroup2 mount)";
            case host::CgroupMode::None: return host::kNoCgroupFilesystem;
        }
        return {};
    }

    std::string features_json() const override {
        return driver_features_json("v1", kDriverName, all_controllers(), {});
    }

    void validate(const plugin::CgroupConfig& config, const plugin::HostContext& host) const override {
        resolve_placement(config, host);
        if (!config.resources) return;
        const auto& r = *config.resources;
        if (!r.unified.empty())
            throw InvalidConfig::in_file("config.json", "linux.resources.unified",
                                         "requires cgroup v2 (invalid configuration: cannot use unified on cgroup v1)");
        const Layout& layout = host_layout();
        for (const auto& controller : all_controllers()) {
            if (!controller->wants(r)) continue;
            if (!layout.find(controller->name())) {
                if (std::string(controller->name()) == "devices") continue;  // ignored, like runc
                throw InvalidConfig::in_file("config.json", controller->field(),
                                             std::string("cannot set ") + controller->name() + " limit: the " +
                                                 controller->name() + " cgroup controller is not mounted on this host",
                                             ErrorKind::HostUnsupported);
            }
            try {
                controller->validate(r);
            } catch (const InvalidConfig& e) {
                throw InvalidConfig::in_file("config.json", e);
            } catch (const Error& e) {
                throw Error(std::string("config.json: ") + e.what(), e.kind());
            }
        }
    }

    std::unique_ptr<plugin::Cgroup> create(const plugin::CgroupConfig& config, const plugin::HostContext& host) override {
        validate(config, host);
        Placement placement = resolve_placement(config, host);
        const Layout& layout = host_layout();
        SavedCgroup saved;
        saved.driver = kDriverName;
        return undo_dirs_on_failure(saved.created, [&]() -> std::unique_ptr<plugin::Cgroup> {
            for (const auto& h : layout.v1) create_in(h, placement, saved);
            if (layout.unified) create_in(*layout.unified, placement, saved);
            auto cgroup = std::make_unique<V1Cgroup>(saved);
            // Rootless: no device rules at all (runc ignores them there; an unprivileged user can
            // neither write devices.allow nor attach a device program).
            const bool device_rules = !host.rootless;
            if (config.resources) {
                spec::LinuxResources applied = *config.resources;
                if (!device_rules) applied.devices.clear();
                cgroup->set_resources(applied);
            }
            // Otherwise device rules are enforced on every new cgroup: the defaults when none are given.
            if (device_rules && (!config.resources || config.resources->devices.empty())) cgroup->set_devices({});
            return cgroup;
        });
    }

    std::unique_ptr<plugin::Cgroup> open(const std::string& saved, const plugin::HostContext&) override {
        return std::make_unique<V1Cgroup>(saved_cgroup_from_text(saved, kDriverName));
    }

    std::unique_ptr<plugin::Cgroup> find(const plugin::CgroupConfig& config, const plugin::HostContext& host) override {
        const Placement placement = resolve_placement(config, host);
        const Layout& layout = host_layout();
        SavedCgroup saved;
        saved.driver = kDriverName;
        auto find_in = [&](const Hierarchy& h) {
            const std::string relative = h.relative_dir(placement);
            if (relative.empty()) return;  // the hierarchy's root is never the container's own
            const fs::path dir = fs::path(h.mount_point) / relative;
            std::error_code ec;
            if (!fs::is_directory(dir, ec)) return;
            saved.created.push_back(dir.string());
            if (h.controllers.empty()) saved.paths[""] = dir.string();
            for (const auto& c : h.controllers) saved.paths[c] = dir.string();
        };
        for (const auto& h : layout.v1) find_in(h);
        if (layout.unified) find_in(*layout.unified);
        if (saved.created.empty()) return nullptr;
        return std::make_unique<V1Cgroup>(saved);
    }

private:
    // The host's hierarchies, read once per process (validate and create both need them, and
    // /proc/self/mountinfo is not cheap to read): they do not change under one ocirun command.
    const Layout& host_layout() const {
        if (!layout_) layout_ = discover_layout();
        return *layout_;
    }
    mutable std::optional<Layout> layout_;

    static void create_in(const Hierarchy& h, const Placement& placement, SavedCgroup& saved) {
        const std::string relative = h.relative_dir(placement);
        make_cgroup_dirs(h.mount_point, relative, saved.created);
        const fs::path dir = relative.empty() ? fs::path(h.mount_point) : fs::path(h.mount_point) / relative;
        // The directory must be usable before a process joins (cpuset).
        for (const auto& controller : all_controllers()) {
            if (std::find(h.controllers.begin(), h.controllers.end(), controller->name()) == h.controllers.end()) continue;
            controller->prepare_dir(dir);
        }
        if (h.controllers.empty()) {
            saved.paths[""] = dir.string();
        } else {
            for (const auto& c : h.controllers) saved.paths[c] = dir.string();
        }
    }
};

}  // namespace
}  // namespace ocirun::cgroups::v1

OCIRUN_PLUGIN(ocirun::cgroups::v1::V1Driver)
