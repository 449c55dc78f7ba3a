// The apparmor lsm plugin: process.apparmorProfile (and exec --apparmor), applied with
// change_onexec semantics: the child asks for the profile before its syscall filter is loaded,
// and the kernel switches to it at the next execve, so no runtime code runs confined.
#include <sys/apparmor.h>

#include <cerrno>
#include <cstring>
#include <ocirun/plugin.hpp>

#include "apparmor_host.hpp"

namespace ocirun::apparmor {
namespace {

constexpr const char* kField = "process.apparmorProfile";

// What the kernel's change_onexec can take: no control characters (the name is written to
// /proc/self/attr as one line), not empty, not longer than a page.
std::string why_not_a_profile_name(const std::string& name) {
    if (name.empty()) return "empty profile name";
    if (name.size() >= 4096) return "profile name longer than 4095 bytes";
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f) return "profile name contains a control character";
    if (name.front() == ' ' || name.back() == ' ') return "profile name begins or ends with a space";
    return {};
}

class ApparmorLsm final : public plugin::Lsm {
public:
    plugin::Info info() const override {
        return {"apparmor", plugin::Kind::Lsm, OCIRUN_PLUGIN_VERSION,
                "AppArmor profiles for the container process (process.apparmorProfile), via libapparmor"};
    }
    std::string unavailable_reason(const plugin::HostContext&) const override { return why_not_enabled(); }
    // runtime-spec features.md: "linux": {"apparmor": {"enabled": ...}}; true only when a
    // profile can be applied here.
    std::string features_json() const override {
        return std::string(R"({"linux":{"apparmor":{"enabled":)") + (why_not_enabled().empty() ? "true" : "false") +
               "}}}";
    }

    std::vector<std::string> fields() const override { return {kField}; }

    void validate(const std::string& field, const std::string& profile) const override {
        const std::string prefix = field + ": unable to apply apparmor profile \"" + profile + "\": ";
        if (std::string why = why_not_enabled(); !why.empty()) throw Error(prefix + why);
        if (std::string why = why_not_a_profile_name(profile); !why.empty()) throw Error(prefix + why);
        if (std::string why = why_not_loaded(profile); !why.empty()) throw Error(prefix + why);
    }

    void set_exec_label(const std::string&, const std::string& profile) override {
        if (aa_change_onexec(profile.c_str()) != 0)
            throw Error("unable to apply apparmor profile: apparmor failed to apply profile \"" + profile +
                        "\": aa_change_onexec: " + std::strerror(errno));
    }

    // AppArmor labels no mounts (linux.mountLabel is not one of fields()).
    std::string mount_label_option(const std::string&) const override { return {}; }
};

}  // namespace
}  // namespace ocirun::apparmor

OCIRUN_PLUGIN(ocirun::apparmor::ApparmorLsm)
