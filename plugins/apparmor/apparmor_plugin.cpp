// The apparmor lsm plugin: reports whether AppArmor can be used on this host. Confining a
// container (change_onexec to process.apparmorProfile) is not implemented yet.
#include <ocirun/plugin.hpp>

#include "apparmor_host.hpp"

namespace ocirun::apparmor {
namespace {

class ApparmorLsm final : public plugin::Lsm {
public:
    plugin::Info info() const override {
        return {"apparmor", plugin::Kind::Lsm, OCIRUN_PLUGIN_VERSION,
                "AppArmor profiles for the container process (process.apparmorProfile), via libapparmor"};
    }
    std::string unavailable_reason(const plugin::HostContext&) const override { return why_not_enabled(); }
    // runc's `features` shape: "linux": {"apparmor": {"enabled": ...}}.
    std::string features_json() const override {
        return why_not_enabled().empty() ? R"({"enabled":true})" : R"({"enabled":false})";
    }

    void validate(const spec::Process&, const std::string&) const override {
        throw NotImplemented("apparmor plugin: validating a profile is not implemented yet");
    }
    void set_exec_label(const std::string&) override {
        throw NotImplemented("apparmor plugin: applying a profile is not implemented yet");
    }
    std::string mount_label_option(const std::string&) const override {
        throw NotImplemented("apparmor plugin: mount labels are not implemented yet");
    }
};

}  // namespace
}  // namespace ocirun::apparmor

OCIRUN_PLUGIN(ocirun::apparmor::ApparmorLsm)
