#include "saved_cgroup.hpp"

#include <boost/json.hpp>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

namespace json = boost::json;

std::string to_text(const SavedCgroup& saved) {
    json::object obj;
    obj["driver"] = saved.driver;
    json::object paths;
    for (const auto& [k, v] : saved.paths) paths[k] = v;
    obj["paths"] = std::move(paths);
    json::array created;
    for (const auto& d : saved.created) created.emplace_back(d);
    obj["created"] = std::move(created);
    obj["devicesSkipped"] = saved.devices_skipped;
    return json::serialize(obj);
}

SavedCgroup saved_cgroup_from_text(const std::string& text, const std::string& driver) {
    SavedCgroup saved;
    try {
        const auto obj = json::parse(text).as_object();
        saved.driver = json::value_to<std::string>(obj.at("driver"));
        for (const auto& [k, v] : obj.at("paths").as_object())
            saved.paths[std::string(k)] = json::value_to<std::string>(v);
        for (const auto& d : obj.at("created").as_array())
            saved.created.push_back(json::value_to<std::string>(d));
        if (auto* s = obj.if_contains("devicesSkipped")) saved.devices_skipped = s->as_bool();
    } catch (const std::exception& e) {
        throw Error(std::string("saved cgroup state is not valid: ") + e.what());
    }
    if (saved.driver != driver)
        throw Error("the container's cgroup was created by the " + saved.driver +
                    " driver, not " + driver);
    return saved;
}

}  // namespace ocirun::cgroups
