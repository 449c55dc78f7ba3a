#include "systemd_cgroup.hpp"

#include <boost/json.hpp>
#include <filesystem>

#include "created_dirs.hpp"
#include "ocirun/error.hpp"
#include "saved_cgroup.hpp"
#include "systemd_bus.hpp"
#include "unit_properties.hpp"
#include "v1_cgroup.hpp"
#include "v2_cgroup.hpp"

namespace ocirun::cgroups::systemd {

namespace json = boost::json;

void SystemdCgroup::set_resources(const spec::LinuxResources& r) {
    std::vector<UnitProperty> properties = resource_properties(r, unified_);
    if (!r.devices.empty()) {
        auto devices = device_properties(r.devices, /*reset=*/true);
        properties.insert(properties.end(), devices.begin(), devices.end());
    }
    if (!properties.empty()) SystemdBus().set_unit_properties(unit_, properties);
    files_->set_resources(r);
}

void SystemdCgroup::destroy() {
    SystemdBus().stop_unit(unit_);
    files_->destroy();
    // systemd removes a stopped scope's cgroup; a sub-cgroup the container made itself in its
    // delegated subtree may keep it: removed here (every process is gone by now).
    for (const auto& [controller, dir] : files_->paths()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) continue;
        remove_cgroup_descendants(dir);
        remove_cgroup_dirs({dir});
    }
}

std::string SystemdCgroup::save() const {
    json::object obj;
    obj["driver"] = kDriverName;
    obj["unit"] = unit_;
    obj["unified"] = unified_;
    obj["files"] = files_->save();
    return json::serialize(obj);
}

std::unique_ptr<SystemdCgroup> SystemdCgroup::from_saved(const std::string& text) {
    std::string unit, files;
    bool unified = false;
    try {
        const auto obj = json::parse(text).as_object();
        const std::string driver = json::value_to<std::string>(obj.at("driver"));
        if (driver != kDriverName)
            throw Error("the container's cgroup was created by the " + driver + " driver, not " + kDriverName);
        unit = json::value_to<std::string>(obj.at("unit"));
        unified = obj.at("unified").as_bool();
        files = json::value_to<std::string>(obj.at("files"));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(std::string("saved cgroup state is not valid: ") + e.what());
    }
    std::unique_ptr<plugin::Cgroup> dirs;
    if (unified) dirs = std::make_unique<v2::V2Cgroup>(saved_cgroup_from_text(files, v2::kDriverName));
    else dirs = std::make_unique<v1::V1Cgroup>(saved_cgroup_from_text(files, v1::kDriverName));
    return std::make_unique<SystemdCgroup>(unit, unified, std::move(dirs));
}

}  // namespace ocirun::cgroups::systemd
