// Finding criu(8) and asking it what it can do: its version (over RPC) and `criu check`.
#pragma once

#include <optional>
#include <string>

namespace ocirun::criu {

// The first executable "criu" in $PATH, or std::nullopt.
std::optional<std::string> find_criu_binary();
// find_criu_binary() or a clear Error ("criu binary not found on PATH ...").
std::string require_criu_binary();
// CRIU's version as major*10000 + minor*100 + sublevel, from a VERSION request to `criu swrk`.
// Throws when it cannot be asked or is older than `minimum` (runc's text).
int criu_version(const std::string& binary, int minimum);
// Runs `criu check`: "" when it passes, else its first error line (why CRIU cannot work here).
std::string criu_check_failure(const std::string& binary);

}  // namespace ocirun::criu
