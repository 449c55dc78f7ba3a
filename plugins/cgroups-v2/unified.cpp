#include "unified.hpp"

#include "cgroup_files.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {

void validate_unified(const spec::LinuxResources& r) {
    for (const auto& [key, value] : r.unified) {
        if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
            throw InvalidConfig("linux.resources.unified", "\"" + key + "\" is not a cgroup file name");
    }
}

void apply_unified(const std::filesystem::path& dir, const spec::LinuxResources& r) {
    validate_unified(r);
    for (const auto& [key, value] : r.unified) {
        std::error_code ec;
        if (!std::filesystem::exists(dir / key, ec))
            throw InvalidConfig("linux.resources.unified", "\"" + key + "\": no such file in " + dir.string() +
                        " (controller not enabled or not supported)");
        try {
            write_text(dir / key, value);
        } catch (const Error& e) {
            throw InvalidConfig("linux.resources.unified", "\"" + key + "\": " + e.what());
        }
    }
}

}  // namespace ocirun::cgroups::v2
