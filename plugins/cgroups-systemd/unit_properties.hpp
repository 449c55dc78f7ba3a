// linux.resources as systemd unit properties (the knobs systemd owns), with runc's systemd
// driver's conversions. The cgroup files are written afterwards as well (systemd_cgroup.cpp), so
// that a knob systemd rounds (CPUQuotaPerSecUSec) or lacks still gets the spec's exact value.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::cgroups::systemd {

using DeviceAllowList = std::vector<std::pair<std::string, std::string>>;  // D-Bus a(ss)
using PidList = std::vector<std::uint32_t>;                               // D-Bus au
using ByteArray = std::vector<std::uint8_t>;                              // D-Bus ay

struct UnitProperty {
    std::string name;
    std::variant<bool, std::uint64_t, std::string, ByteArray, DeviceAllowList, PidList> value;
};

inline constexpr std::uint64_t kInfinity = UINT64_MAX;  // systemd's "infinity"

// The resource properties for a cgroup v2 (`unified`) or v1 host. Throws InvalidConfig naming
// the field for values that cannot be converted (a cpuset list that does not parse).
std::vector<UnitProperty> resource_properties(const spec::LinuxResources& resources, bool unified);

// DevicePolicy and DeviceAllow for the container's device rules (linux.resources.devices then
// runc's default allowed devices): "strict" with the allowed devices for an allow list, "auto"
// (no restriction from systemd) for allow-all or a deny list, which systemd cannot express; the
// driver's own device program/devices.* files enforce those. `reset` first clears the
// DeviceAllow list (update).
std::vector<UnitProperty> device_properties(const std::vector<spec::LinuxDeviceCgroup>& rules, bool reset);

// "0-2,7" -> the bitmask systemd's AllowedCPUs/AllowedMemoryNodes take (byte i holds bits 8i..8i+7).
ByteArray cpu_list_mask(const std::string& list);

}  // namespace ocirun::cgroups::systemd
