// Where the systemd driver puts a container: a transient scope unit in a slice, named from
// linux.cgroupsPath the way runc's systemd driver names it.
//   "slice:prefix:name" -> unit "prefix-name.scope" in "slice" ("" slice: system.slice)
//   ""                  -> unit "ocirun-<container id>.scope" in system.slice
#pragma once

#include <string>

#include "ocirun/plugin.hpp"

namespace ocirun::cgroups::systemd {

inline constexpr const char* kDefaultSlice = "system.slice";
inline constexpr const char* kDefaultScopePrefix = "ocirun";

struct ScopePlacement {
    std::string slice;  // "system.slice", "kubepods-besteffort.slice", "-.slice" (the root)
    std::string unit;   // "cri-containerd-ID.scope"
};

// Throws ocirun::Error naming linux.cgroupsPath when it is not of the form "slice:prefix:name",
// or when the slice name is not a valid slice unit name.
ScopePlacement scope_placement(const plugin::CgroupConfig& config);

// The slice's cgroup below systemd's root, as systemd nests slices: "a-b.slice" ->
// "/a.slice/a-b.slice"; "-.slice" -> "". Throws ocirun::Error for an invalid slice name.
std::string expand_slice(const std::string& slice);

}  // namespace ocirun::cgroups::systemd
