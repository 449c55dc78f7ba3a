#include "scope_placement.hpp"

#include <algorithm>

#include "ocirun/error.hpp"

namespace ocirun::cgroups::systemd {
namespace {

constexpr std::string_view kSliceSuffix = ".slice";

Error invalid_form(const std::string& given) {
    return Error("config.json: linux.cgroupsPath: expected cgroupsPath to be of format \"slice:prefix:name\" "
                 "for systemd cgroups, got \"" + given + "\" instead");
}

}  // namespace

std::string expand_slice(const std::string& slice) {
    const auto invalid = [&] { return Error("invalid slice name \"" + slice + "\""); };
    if (slice.size() <= kSliceSuffix.size() || !slice.ends_with(kSliceSuffix) ||
        slice.find('/') != std::string::npos)
        throw invalid();
    if (slice == "-.slice") return "";  // the root slice
    const std::string stem = slice.substr(0, slice.size() - kSliceSuffix.size());
    // Each '-' opens one more level: "a-b-c" lives in a.slice/a-b.slice/a-b-c.slice.
    std::string path, prefix;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dash = stem.find('-', start);
        const std::string component = stem.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
        if (component.empty()) throw invalid();  // "-a", "a--b", "a-"
        prefix += (prefix.empty() ? "" : "-") + component;
        path += "/" + prefix + std::string(kSliceSuffix);
        if (dash == std::string::npos) return path;
        start = dash + 1;
    }
}

ScopePlacement scope_placement(const plugin::CgroupConfig& config) {
    const std::string& given = config.cgroups_path;
    if (given.empty()) return {kDefaultSlice, std::string(kDefaultScopePrefix) + "-" + config.container_id + ".scope"};
    if (std::count(given.begin(), given.end(), ':') != 2) throw invalid_form(given);
    const std::size_t first = given.find(':'), second = given.find(':', first + 1);
    ScopePlacement placement;
    placement.slice = given.substr(0, first);
    const std::string prefix = given.substr(first + 1, second - first - 1);
    const std::string name = given.substr(second + 1);
    if (name.empty()) throw invalid_form(given);
    if (name.ends_with(kSliceSuffix))
        throw Error("config.json: linux.cgroupsPath: \"" + given +
                    "\": a slice as the container's own unit is not supported by cgroups-systemd (use a scope name)");
    if (placement.slice.empty()) placement.slice = kDefaultSlice;
    try {
        expand_slice(placement.slice);
    } catch (const Error& e) {
        throw Error("config.json: linux.cgroupsPath: \"" + given + "\": " + e.what());
    }
    placement.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
    return placement;
}

}  // namespace ocirun::cgroups::systemd
