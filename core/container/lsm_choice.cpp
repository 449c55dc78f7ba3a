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

// `value` of `flag` checked by the plugin that applies `field`: the plugin's text without its
// leading "field: " (the value came from the flag, not from config.json).
void check_flag_as_field(PluginRegistry& plugins, const std::string& flag, const std::string& field,
                         const std::string& value) {
    const std::string origin = "restore: " + flag + ": ";
    try {
        chosen(plugins, field, value, "");
    } catch (const Error& e) {
        std::string why = e.what();
        if (why.rfind(field + ": ", 0) == 0) why.erase(0, field.size() + 2);
        throw Error(origin + why);
    }
}

// The config.json field whose values a `--lsm-profile TYPE:NAME` names. TYPE is the checkpointer's
// (CRIU's, which knows these two and "none"): a fact of the flag's format, not a plugin choice;
// the plugin serving the field is then chosen by lsm_for, so a third-party plugin serving it
// takes part. "" for a TYPE without a field.
std::string restore_profile_field(const std::string& type) {
    if (type == "apparmor") return "process.apparmorProfile";
    if (type == "selinux") return "process.selinuxLabel";
    return {};
}

}  // namespace

void check_restore_lsm_flags(PluginRegistry& plugins, const std::string& lsm_profile,
                             const std::string& lsm_mount_context) {
    if (!lsm_profile.empty()) {
        const std::string flag = "--lsm-profile " + lsm_profile;
        const auto colon = lsm_profile.find(':');
        if (colon == std::string::npos || colon == 0)
            throw Error("restore: " + flag + ": not TYPE:NAME (apparmor:PROFILE, selinux:LABEL)");
        const std::string type = lsm_profile.substr(0, colon);
        if (type != "none") {
            const std::string field = restore_profile_field(type);
            if (field.empty())
                throw Error("restore: " + flag + ": unknown LSM type \"" + type + "\" (apparmor, selinux or none)");
            check_flag_as_field(plugins, flag, field, lsm_profile.substr(colon + 1));
        }
    }
    if (!lsm_mount_context.empty())
        check_flag_as_field(plugins, "--lsm-mount-context " + lsm_mount_context, "linux.mountLabel", lsm_mount_context);
}

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
