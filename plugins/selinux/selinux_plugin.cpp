// The selinux lsm plugin: reports whether SELinux can be used on this host. Labelling the
// container process (process.selinuxLabel) and its mounts (linux.mountLabel) is not
// implemented yet.
#include <ocirun/plugin.hpp>

#include "selinux_host.hpp"

namespace ocirun::selinux {
namespace {

class SelinuxLsm final : public plugin::Lsm {
public:
    plugin::Info info() const override {
        return {"selinux", plugin::Kind::Lsm, OCIRUN_PLUGIN_VERSION,
                "SELinux labels for the container process and mounts (process.selinuxLabel, "
                "linux.mountLabel), via libselinux"};
    }
    std::string unavailable_reason(const plugin::HostContext&) const override { return why_not_enabled(); }
    // runc's `features` shape: "linux": {"selinux": {"enabled": ...}}.
    std::string features_json() const override {
        return why_not_enabled().empty() ? R"({"enabled":true})" : R"({"enabled":false})";
    }

    void validate(const spec::Process&, const std::string&) const override {
        throw NotImplemented("selinux plugin: validating a label is not implemented yet");
    }
    void set_exec_label(const std::string&) override {
        throw NotImplemented("selinux plugin: applying a process label is not implemented yet");
    }
    std::string mount_label_option(const std::string&) const override {
        throw NotImplemented("selinux plugin: mount labels are not implemented yet");
    }
};

}  // namespace
}  // namespace ocirun::selinux

OCIRUN_PLUGIN(ocirun::selinux::SelinuxLsm)
