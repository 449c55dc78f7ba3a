#include "driver_features.hpp"

#include <algorithm>

namespace ocirun::cgroups {

// Written by hand: the plugins do not link Boost.JSON's compiled part (its static library is
// not position-independent), and every string here is a plain identifier.
std::string driver_features_json(const char* version_key, const std::string& driver,
                                 const std::vector<std::unique_ptr<Controller>>& controllers,
                                 const std::vector<std::string>& also) {
    std::vector<std::string> names = also;
    for (const auto& c : controllers) names.push_back(c->name());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ",") + n;
    const bool rdma = std::find(names.begin(), names.end(), "rdma") != names.end();
    return std::string(R"({"linux":{"cgroup":{")") + version_key + R"(":true,"rdma":)" + (rdma ? "true" : "false") +
           R"(}},"annotations":{"io.github.ocirun.)" + driver + R"(.controllers":")" + list + R"("}})";
}

}  // namespace ocirun::cgroups
