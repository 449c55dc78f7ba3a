// runc's org.systemd.property.NAME=VALUE annotations: extra unit properties for the container's
// scope, given in GVariant text form (runc parses them with godbus's ParseVariant). A NAME ending
// in a lowercase letter + "Sec" (TimeoutStopSec) is sent as NAME-with-USec in microseconds, as
// runc does.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "unit_properties.hpp"

namespace ocirun::cgroups::systemd {

inline constexpr const char* kSystemdPropertyPrefix = "org.systemd.property.";

// The properties of every annotation with the prefix, in annotation-key order. Throws
// InvalidConfig naming annotations["KEY"] for a bad name or a value outside the subset ocirun
// parses: true/false, numbers (bare: int32, or with a GVariant type word/@-type: byte, int16,
// uint16, int32, uint32, int64, uint64, double), quoted strings, and arrays of strings.
std::vector<UnitProperty> annotation_properties(const std::map<std::string, std::string>& annotations);

// One GVariant text value (the subset above) as a property value; throws Error saying why not.
UnitProperty::Value parse_gvariant_text(const std::string& text);

}  // namespace ocirun::cgroups::systemd
