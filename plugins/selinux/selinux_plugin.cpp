// The selinux lsm plugin: process.selinuxLabel (and exec --process-label) through setexeccon,
// the session keyring's label through setkeycreatecon, and linux.mountLabel as the context=
// mount option (and on the mqueue root), as runc does.
#include <selinux/selinux.h>

#include <cerrno>
#include <cstring>
#include <ocirun/plugin.hpp>

#include "selinux_host.hpp"

namespace ocirun::selinux {
namespace {

constexpr const char* kProcessField = "process.selinuxLabel";
constexpr const char* kMountField = "linux.mountLabel";

std::string errno_text() { return std::strerror(errno); }

class SelinuxLsm final : public plugin::Lsm {
public:
    plugin::Info info() const override {
        return {"selinux", plugin::Kind::Lsm, OCIRUN_PLUGIN_VERSION,
                "SELinux labels for the container process and mounts (process.selinuxLabel, "
                "linux.mountLabel), via libselinux"};
    }
    std::string unavailable_reason(const plugin::HostContext&) const override { return why_not_enabled(); }
    // runtime-spec features.md: "linux": {"selinux": {"enabled": ...}}; true only when labels
    // can be applied here.
    std::string features_json() const override {
        return std::string(R"({"linux":{"selinux":{"enabled":)") + (why_not_enabled().empty() ? "true" : "false") +
               "}}}";
    }

    std::vector<std::string> fields() const override { return {kProcessField, kMountField}; }

    void validate(const std::string& field, const std::string& label) const override {
        if (!why_not_enabled().empty()) {
            // runc's text for process.selinuxLabel; runc has none for mountLabel (its mount fails).
            throw Error(field + (field == kMountField ? ": selinux mount label" : ": selinux label") +
                        " is specified in config, but selinux is disabled or not supported");
        }
        if (label.find('"') != std::string::npos || label.find('\n') != std::string::npos)
            throw Error(field + ": invalid SELinux label \"" + label + "\": it contains a quote or newline");
        if (security_check_context(label.c_str()) != 0)
            throw Error(field + ": invalid SELinux label \"" + label + "\": not a valid context for the loaded policy");
    }

    void set_exec_label(const std::string&, const std::string& label) override {
        if (setexeccon(label.c_str()) != 0)
            throw Error("can't set process label \"" + label + "\": setexeccon: " + errno_text());
    }

    void set_key_label(const std::string&, const std::string& label) override {
        // A kernel without /proc/self/attr/keycreate labels no keys: nothing to do, as runc.
        if (setkeycreatecon(label.c_str()) != 0 && errno != ENOENT)
            throw Error("selinux: set the session keyring label \"" + label + "\": setkeycreatecon: " + errno_text());
    }

    std::string mount_label_option(const std::string& label) const override { return "context=\"" + label + "\""; }

    // `path` may be a /proc/self/fd link: setfilecon follows it.
    void label_mount_root(const std::string& path, const std::string& label) override {
        if (setfilecon(path.c_str(), label.c_str()) != 0)
            throw Error(std::string(kMountField) + ": label the mqueue mount \"" + label + "\": setfilecon: " +
                        errno_text());
    }
};

}  // namespace
}  // namespace ocirun::selinux

OCIRUN_PLUGIN(ocirun::selinux::SelinuxLsm)
