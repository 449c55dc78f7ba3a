// The two parts of linux.resources that are not one controller on v2: "unified" (raw files,
// written verbatim after the name is checked) and "devices" (needs an eBPF program, not built).
#pragma once

#include <filesystem>

#include "ocirun/spec.hpp"

namespace ocirun::cgroups::v2 {

void validate_unified(const spec::LinuxResources& r);
void apply_unified(const std::filesystem::path& dir, const spec::LinuxResources& r);

// Accepts no rules or runc's default single deny-all rule; anything else throws NotImplemented.
void check_device_rules(const spec::LinuxResources& r);

}  // namespace ocirun::cgroups::v2
