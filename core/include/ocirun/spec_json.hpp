// ocirun/spec_json.hpp — Boost.JSON <-> ocirun::spec, and the checks that need only the spec
// itself.
//
// Errors name the file and the JSON path: `config.json: linux.namespaces[2].type: unknown
// namespace "foo"`. Unknown fields are ignored, like runc.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "ocirun/spec.hpp"

namespace ocirun::spec {

// Parse config.json text. `origin` prefixes every error ("config.json").
Spec parse_config(std::string_view json_text, std::string_view origin = "config.json");
// The text of BUNDLE/config.json; a missing file is runc's "JSON specification file ... not found".
std::string read_bundle_config(const std::filesystem::path& bundle);
// Read and parse BUNDLE/config.json; errors say which file.
Spec load_bundle_config(const std::filesystem::path& bundle);

// Parse an OCI `process` object (exec --process FILE); `origin` prefixes errors.
Process parse_process(std::string_view json_text, std::string_view origin);

// Static validation: everything checkable without touching the host (namespace types, mount
// option names, capability names, rlimit names, ids, combinations like hostname without uts).
// Throws ocirun::Error with origin + JSON path.
void validate(const Spec& spec, std::string_view origin = "config.json");

boost::json::value to_json(const Spec& spec);
boost::json::value to_json(const Process& process);
boost::json::value to_json(const LinuxResources& resources);
LinuxResources parse_resources(std::string_view json_text, std::string_view origin);
// parse_process / parse_resources of a file (`exec --process FILE`, `update -r FILE`), the
// path as origin; a file that cannot be read is an ocirun::Error naming it.
Process load_process_file(const std::filesystem::path& file);
LinuxResources load_resources_file(const std::filesystem::path& file);

// A JSON string literal escaped the way Go's encoding/json escapes it (for output that
// clients compare byte for byte with runc's).
std::string go_json_quote(std::string_view s);

// Pretty-printed JSON like Go's json.MarshalIndent(v, "", "\t") (what `runc spec` writes).
std::string pretty_print(const boost::json::value& v);

// The config `ocirun spec` writes: field for field what `runc spec` writes (optionally
// --rootless), except ociVersion which is ours.
Spec default_spec(bool rootless);

}  // namespace ocirun::spec
