#include "spec/features.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "ocirun/error.hpp"
#include "ocirun/spec.hpp"
#include "spec/json_reader.hpp"
#include "spec/known_names.hpp"

#ifndef OCIRUN_VERSION
#define OCIRUN_VERSION "unknown"
#endif
#ifndef OCIRUN_GIT_COMMIT
#define OCIRUN_GIT_COMMIT "unknown"
#endif

namespace ocirun::spec {
namespace {

namespace json = boost::json;

json::array string_array(const std::vector<std::string_view>& names) {
    json::array arr;
    for (auto n : names) arr.emplace_back(json::string(n));
    return arr;
}

json::object enabled(bool on) { return json::object{{"enabled", on}}; }

// What the core itself supports; plugin-dependent parts start switched off.
json::object core_features() {
    std::vector<std::string_view> mount_options = mount_option_names();
    std::sort(mount_options.begin(), mount_options.end());  // runc lists them sorted

    json::object cgroup;
    cgroup["v1"] = false;
    cgroup["v2"] = false;
    cgroup["systemd"] = false;
    cgroup["systemdUser"] = false;
    cgroup["rdma"] = false;

    std::vector<std::string_view> namespaces = namespace_types();
    std::sort(namespaces.begin(), namespaces.end());  // runc lists them sorted too

    json::object linux_features;
    linux_features["namespaces"] = string_array(namespaces);
    linux_features["capabilities"] = string_array(capability_names());
    linux_features["cgroup"] = std::move(cgroup);
    linux_features["seccomp"] = enabled(false);
    linux_features["apparmor"] = enabled(false);
    linux_features["selinux"] = enabled(false);
    linux_features["intelRdt"] = enabled(false);
    // idmap/ridmap and per-mount uid/gidMappings work for containers without a user namespace
    // (see docs/spec-coverage.md); the other combination is refused before clone().
    linux_features["mountExtensions"] = json::object{{"idmap", enabled(true)}};
    // Refused with NotImplemented by spec validation: said so here rather than left unknown.
    linux_features["netDevices"] = enabled(false);
    linux_features["memoryPolicy"] = json::object{{"modes", json::array{}}, {"flags", json::array{}}};

    json::object features;
    features["ociVersionMin"] = "1.0.0";
    features["ociVersionMax"] = kSpecVersion;
    features["hooks"] = string_array(
        {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"});
    features["mountOptions"] = string_array(mount_options);
    features["linux"] = std::move(linux_features);
    features["annotations"] = json::object{
        {"io.github.ocirun.version", OCIRUN_VERSION},
        {"io.github.ocirun.commit", OCIRUN_GIT_COMMIT},
    };
    return features;
}

}  // namespace

void deep_merge(json::object& base, const json::object& overlay) {
    for (const auto& kv : overlay) {
        json::value* existing = base.if_contains(kv.key());
        if (existing && existing->is_object() && kv.value().is_object())
            deep_merge(existing->get_object(), kv.value().get_object());
        else
            base[kv.key()] = kv.value();
    }
}

json::object features_json(const std::vector<std::pair<std::string, std::string>>& named_fragments) {
    json::object features = core_features();
    for (const auto& [name, text] : named_fragments) {
        json::value fragment = json_reader::parse_text(text, name);
        if (!fragment.is_object())
            throw Error(name + ": expected a JSON object, got " + json_reader::describe(fragment));
        deep_merge(features, fragment.get_object());
    }
    return features;
}

json::object features_json(const std::vector<std::string>& plugin_fragments) {
    std::vector<std::pair<std::string, std::string>> named;
    for (std::size_t i = 0; i < plugin_fragments.size(); ++i)
        named.emplace_back("plugin features fragment " + std::to_string(i + 1), plugin_fragments[i]);
    return features_json(named);
}

}  // namespace ocirun::spec
