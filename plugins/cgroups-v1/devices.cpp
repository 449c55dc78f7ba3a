// devices: runc's semantics — linux.resources.devices in order, then runc's default allowed
// devices (and the linux.devices nodes, which the core appends as allow rules). Written like
// runc 1.1: the cgroup's current devices.list is read back and only the difference is written
// (a fresh cgroup, which allows everything, gets "a" denied and then the allow list; an update
// adds and removes single exceptions, so devices both old and new rules allow are never denied
// in between), then devices.list is checked against the target. Skipped in a user namespace
// (the kernel refuses device rules there) like runc.
#include "cgroup_files.hpp"
#include "device_rules.hpp"
#include "ocirun_host/proc.hpp"
#include "ocirun/error.hpp"
#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class Devices final : public Controller {
public:
    const char* name() const override { return "devices"; }
    const char* field() const override { return "linux.resources.devices"; }
    // Only when rules are given: an update without devices keeps the cgroup's rules. The driver
    // applies the defaults itself when it creates a cgroup (V1Cgroup::set_devices).
    bool wants(const spec::LinuxResources& r) const override { return !r.devices.empty(); }
    void validate(const spec::LinuxResources& r) const override { container_device_rules(r.devices); }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        if (host::running_in_user_namespace()) return;
        const DeviceRuleSet target = container_device_rules(r.devices);
        const DeviceRuleSet current = DeviceRuleSet::from_devices_list(read_text(dir / "devices.list"));
        for (const auto& rule : device_transition(current, target))
            write_text(dir / (rule.allow ? "devices.allow" : "devices.deny"), device_rule_text(rule));
        // The kernel ignores some writes silently (a hole in a wildcard rule): check the result.
        const DeviceRuleSet after = DeviceRuleSet::from_devices_list(read_text(dir / "devices.list"));
        if (after.default_allow() != target.default_allow() || (!target.default_allow() && !(after == target)))
            throw InvalidConfig("linux.resources.devices", (dir / "devices.list").string() +
                        " does not match the requested rules after writing them");
    }
};

}  // namespace

std::unique_ptr<Controller> make_devices_controller() { return std::make_unique<Devices>(); }

}  // namespace ocirun::cgroups::v1
