// devices: runc's semantics — the spec's rules in order (normally starting with deny-all),
// followed by runc's default allow list, written to devices.deny / devices.allow. Skipped in a
// user namespace (the kernel refuses device rules there) like runc; the driver also leaves the
// controller alone when the host does not mount it.
#include "cgroup_files.hpp"
#include "controller.hpp"
#include "host_cgroup_mode.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v1 {
namespace {

// runc's AllowedDevices: mknod of any node, then the devices every container gets.
const std::vector<spec::LinuxDeviceCgroup>& default_allowed() {
    static const std::vector<spec::LinuxDeviceCgroup> list = {
        {true, "c", std::nullopt, std::nullopt, "m"},
        {true, "b", std::nullopt, std::nullopt, "m"},
        {true, "c", 1, 3, "rwm"},     // /dev/null
        {true, "c", 1, 8, "rwm"},     // /dev/random
        {true, "c", 1, 7, "rwm"},     // /dev/full
        {true, "c", 5, 0, "rwm"},     // /dev/tty
        {true, "c", 1, 5, "rwm"},     // /dev/zero
        {true, "c", 1, 9, "rwm"},     // /dev/urandom
        {true, "c", 136, std::nullopt, "rwm"},  // /dev/pts/*
        {true, "c", 5, 2, "rwm"},     // /dev/ptmx
        {true, "c", 10, 200, "rwm"},  // /dev/net/tun
    };
    return list;
}

std::string rule_text(const spec::LinuxDeviceCgroup& d) {
    std::string type = d.type.empty() ? "a" : d.type;
    auto num = [](const std::optional<std::int64_t>& v) {
        return v && *v >= 0 ? std::to_string(*v) : std::string("*");
    };
    return type + " " + num(d.major) + ":" + num(d.minor) + " " + (d.access.empty() ? "rwm" : d.access);
}

class Devices final : public Controller {
public:
    const char* name() const override { return "devices"; }
    const char* field() const override { return "linux.resources.devices"; }
    // Always applied when mounted: the default allow list is enforced even without spec rules.
    bool wants(const spec::LinuxResources&) const override { return false; }
    bool always_apply() const override { return true; }
    void validate(const spec::LinuxResources& r) const override {
        for (size_t i = 0; i < r.devices.size(); ++i) {
            const auto& d = r.devices[i];
            const std::string where = "linux.resources.devices[" + std::to_string(i) + "]";
            if (!d.type.empty() && d.type != "a" && d.type != "b" && d.type != "c")
                throw Error(where + ".type: \"" + d.type + "\" is not one of a, b, c");
            if (d.access.find_first_not_of("rwm") != std::string::npos)
                throw Error(where + ".access: \"" + d.access + "\" may only contain r, w, m");
        }
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        if (running_in_user_namespace()) return;
        for (const auto& rule : r.devices) write_rule(dir, rule);
        for (const auto& rule : default_allowed()) write_rule(dir, rule);
    }

private:
    static void write_rule(const fs::path& dir, const spec::LinuxDeviceCgroup& d) {
        write_text(dir / (d.allow ? "devices.allow" : "devices.deny"), rule_text(d));
    }
};

}  // namespace

std::unique_ptr<Controller> make_devices_controller() { return std::make_unique<Devices>(); }

}  // namespace ocirun::cgroups::v1
