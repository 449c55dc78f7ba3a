#include "container/lsm_choice.hpp"

#include "ocirun/error.hpp"

namespace ocirun::container {
namespace {

linux_init::LsmLabel chosen(PluginRegistry& plugins, const std::string& field, const std::string& value,
                            const std::string& origin) {
    linux_init::LsmLabel label{nullptr, field, value};
    try {
        label.plugin = &plugins.lsm_for(field);
        label.plugin->validate(field, value);
    } catch (const Error& e) {
        throw Error(origin + e.what());
    }
    // A plugin must refuse what it cannot apply; this holds it to that rather than running the
    // process unconfined.
    const std::string why_not = label.plugin->unavailable_reason(plugins.host());
    if (!why_not.empty()) throw Error(origin + field + ": " + why_not);
    return label;
}

}  // namespace

linux_init::LsmLabels choose_lsm_labels(PluginRegistry& plugins, const spec::Process& process,
                                        const std::string& mount_label,
                                        const std::map<std::string, std::string>& annotations,
                                        const std::string& origin) {
    linux_init::LsmLabels labels;
    if (!process.apparmorProfile.empty())
        labels.process.push_back(chosen(plugins, "process.apparmorProfile", process.apparmorProfile, origin));
    if (!process.selinuxLabel.empty())
        labels.process.push_back(chosen(plugins, "process.selinuxLabel", process.selinuxLabel, origin));
    if (!mount_label.empty()) labels.mount = chosen(plugins, "linux.mountLabel", mount_label, origin);
    const std::string prefix = kLsmAnnotationPrefix;
    for (auto it = annotations.lower_bound(prefix); it != annotations.end() && it->first.rfind(prefix, 0) == 0; ++it)
        labels.process.push_back(chosen(plugins, "annotations[\"" + it->first + "\"]", it->second, origin));
    return labels;
}

}  // namespace ocirun::container
