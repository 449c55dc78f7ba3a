// Device access rules with runc's semantics (its devices "emulator", which mirrors the v1 kernel
// devices controller): a default (allow or deny) plus exceptions. An "a" rule resets: allow-all
// turns the set into a deny list, deny-all into an allow list; other rules add or remove
// exceptions. Shared by both drivers: v1 diffs it against devices.list, v2 compiles it into an
// eBPF program.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::cgroups {

inline constexpr std::int64_t kAnyDeviceNumber = -1;

// Access bits, as the kernel's devices controller and BPF_DEVCG_ACC_* number them.
enum DeviceAccess : unsigned { kMknod = 1, kRead = 2, kWrite = 4, kAllAccess = 7 };

struct DeviceKey {
    char type = 'a';  // 'c', 'b' ('a' never stored: it is a reset)
    std::int64_t major = kAnyDeviceNumber, minor = kAnyDeviceNumber;
    auto operator<=>(const DeviceKey&) const = default;
};

unsigned parse_device_access(const std::string& access);  // "rw" -> kRead|kWrite; "" -> all
std::string device_access_text(unsigned access);           // kRead|kMknod -> "rm"

class DeviceRuleSet {
public:
    // Throws ocirun::Error naming `where` ("linux.resources.devices[2]") for malformed rules and
    // for a deny rule that would punch a hole in a wildcard allow (runc refuses those too:
    // the v1 kernel silently ignores them).
    void apply(const spec::LinuxDeviceCgroup& rule, const std::string& where);

    bool default_allow() const { return default_allow_; }
    // Exceptions to the default: allowed devices when the default is deny, and vice versa.
    const std::map<DeviceKey, unsigned>& exceptions() const { return exceptions_; }

    // The decision for one access request (type 'c'/'b', one or more access bits), as the
    // kernel makes it: an allow exception must grant every requested bit; a deny exception
    // blocks a request it shares any bit with.
    bool allows(char type, std::uint32_t major, std::uint32_t minor, unsigned access) const;

    // devices.list text ("c 1:3 rwm" lines; "a *:* rwm" alone for allow-all) parsed back.
    static DeviceRuleSet from_devices_list(const std::string& text);

    bool operator==(const DeviceRuleSet&) const = default;

private:
    bool default_allow_ = false;  // runc's emulator starts as an allow list (deny by default)
    std::map<DeviceKey, unsigned> exceptions_;
};

// runc's default allowed devices (mknod of any node, /dev/null, zero, full, random, urandom,
// tty, ptmx, pts/*, net/tun).
const std::vector<spec::LinuxDeviceCgroup>& default_allowed_device_rules();

// What a container's devices cgroup must enforce: linux.resources.devices in order, then the
// default allowed devices, the order runc applies them in.
DeviceRuleSet container_device_rules(const std::vector<spec::LinuxDeviceCgroup>& spec_rules);

// The devices.allow/devices.deny writes that turn a cgroup enforcing `current` into one
// enforcing `target` without denying, even for a moment, a device both of them allow (runc's
// Emulator.Transition): only when the default must change, or `current` is a deny list (whose
// exceptions devices.list does not show), it starts with a resetting "a" rule.
std::vector<spec::LinuxDeviceCgroup> device_transition(const DeviceRuleSet& current, const DeviceRuleSet& target);

// A rule as v1's devices.allow/devices.deny take it ("c 1:3 rwm", "a *:* rwm").
std::string device_rule_text(const spec::LinuxDeviceCgroup& rule);

}  // namespace ocirun::cgroups
