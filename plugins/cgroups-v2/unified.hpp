// linux.resources.unified: arbitrary cgroup v2 files, written verbatim after the name is checked.
#pragma once

#include <filesystem>

#include "ocirun/spec.hpp"

namespace ocirun::cgroups::v2 {

void validate_unified(const spec::LinuxResources& r);
void apply_unified(const std::filesystem::path& dir, const spec::LinuxResources& r);

}  // namespace ocirun::cgroups::v2
