// The cgroups-v2 cgroup driver: one directory in the cgroup2 hierarchy, placed like runc's
// cgroupfs driver, with the parents' controllers enabled in cgroup.subtree_control.
#include <sstream>

#include "cgroup_files.hpp"
#include "cgroups_path.hpp"
#include "v2_controllers.hpp"
#include "created_dirs.hpp"
#include "ocirun_host/cgroup_mode.hpp"
#include "cgroup_mounts.hpp"
#include "ocirun/error.hpp"
#include "ocirun/plugin.hpp"
#include "device_rules.hpp"
#include "driver_features.hpp"
#include "unified.hpp"
#include "v2_cgroup.hpp"

namespace ocirun::cgroups::v2 {
namespace {

// The cgroup2 mount: /sys/fs/cgroup on a pure-v2 host, /sys/fs/cgroup/unified on a hybrid one.
CgroupMount find_cgroup2_mount() {
    for (auto& m : read_cgroup_mounts())
        if (m.v2 && (m.mount_point == host::kCgroupRoot || m.mount_point == host::kHybridUnifiedRoot)) return m;
    throw Error("no cgroup2 filesystem is mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified");
}

// Enable every controller a directory offers in its subtree, so that its children get them
// (runc does the same for each parent). Controllers the kernel refuses here are skipped.
void enable_subtree_controllers(const fs::path& dir) {
    std::istringstream in(read_trimmed_if_exists(dir / "cgroup.controllers").value_or(""));
    for (std::string c; in >> c;) {
        try {
            write_text(dir / "cgroup.subtree_control", "+" + c);
        } catch (const Error&) {
        }
    }
}

class V2Driver final : public plugin::CgroupDriver {
public:
    plugin::Info info() const override {
        return {kDriverName, plugin::Kind::CgroupDriver, "0.1.0",
                "cgroup v2 (unified hosts) via cgroupfs, runc-compatible placement and conversions"};
    }

    std::string unavailable_reason(const plugin::HostContext&) const override {
        switch (host::cgroup_mode()) {
            case host::CgroupMode::Unified: return {};
            case host::CgroupMode::Legacy:
            case host::CgroupMode::Hybrid: return "this host uses cgroup v1 controllers (/sys/fs/cgroup is not a cgroup2 mount)";
            case host::CgroupMode::None: return host::kNoCgroupFilesystem;
        }
        return {};
    }

    std::string features_json() const override {
        return driver_features_json("v2", kDriverName, all_controllers(), {"devices", "freezer"});
    }

    void validate(const plugin::CgroupConfig& config, const plugin::HostContext& host) const override {
        resolve_placement(config, host);
        if (!config.resources) return;
        const auto& r = *config.resources;
        try {
            container_device_rules(r.devices);
            validate_unified(r);
            for (const auto& controller : all_controllers())
                if (controller->wants(r)) controller->validate(r);
        } catch (const InvalidConfig& e) {
            throw InvalidConfig::in_file("config.json", e);
        } catch (const Error& e) {
            throw Error(std::string("config.json: ") + e.what(), e.kind());
        }
    }

    std::unique_ptr<plugin::Cgroup> create(const plugin::CgroupConfig& config, const plugin::HostContext& host) override {
        validate(config, host);
        CgroupMount mount = find_cgroup2_mount();
        const std::string relative = relative_dir(config, host, mount);
        SavedCgroup saved;
        saved.driver = kDriverName;
        return undo_dirs_on_failure(saved.created, [&]() -> std::unique_ptr<plugin::Cgroup> {
            make_cgroup_dirs(mount.mount_point, relative, saved.created);
            // Enable controllers from the root down to the leaf's parent.
            fs::path dir = mount.mount_point;
            std::istringstream parts(relative);
            for (std::string part; std::getline(parts, part, '/');) {
                if (part.empty()) continue;
                enable_subtree_controllers(dir);
                dir /= part;
            }
            saved.paths[""] = dir.string();
            auto cgroup = std::make_unique<V2Cgroup>(saved);
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
        return std::make_unique<V2Cgroup>(saved_cgroup_from_text(saved, kDriverName));
    }

    std::unique_ptr<plugin::Cgroup> find(const plugin::CgroupConfig& config, const plugin::HostContext& host) override {
        const CgroupMount mount = find_cgroup2_mount();
        const std::string relative = relative_dir(config, host, mount);
        if (relative.empty()) return nullptr;  // the root is never the container's own
        const fs::path dir = fs::path(mount.mount_point) / relative;
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) return nullptr;
        SavedCgroup saved;
        saved.driver = kDriverName;
        saved.paths[""] = dir.string();
        saved.created.push_back(dir.string());
        return std::make_unique<V2Cgroup>(saved);
    }

private:
    // The container's cgroup below the cgroup2 mount (create() and find() agree on it).
    static std::string relative_dir(const plugin::CgroupConfig& config, const plugin::HostContext& host,
                                    const CgroupMount& mount) {
        const Placement placement = resolve_placement(config, host);
        if (!placement.relative_to_own_cgroup) return placement.path;
        std::string own = "/";
        for (const auto& m : read_proc_cgroup())
            if (m.hierarchy_id == 0 && m.controllers.empty()) own = m.path;
        if (mount.root != "/" && own.rfind(mount.root, 0) == 0) own = own.substr(mount.root.size());
        return join_cgroup_path(own, placement.path).substr(1);
    }
};

}  // namespace
}  // namespace ocirun::cgroups::v2

OCIRUN_PLUGIN(ocirun::cgroups::v2::V2Driver)
