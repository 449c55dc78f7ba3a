// The size syntax of `runc update --memory` and friends (docker's units.RAMInBytes): a decimal
// number, optionally followed by k, m, g, t or p (binary multiples, any case), an optional "i"
// and an optional "b": "512m", "1.5G", "64MiB", "1048576".
#pragma once

#include <cstdint>
#include <string_view>

namespace ocirun::cli {

// Throws std::invalid_argument("invalid size: 'TEXT'") (runc's wording) when malformed.
std::int64_t parse_ram_in_bytes(std::string_view text);

}  // namespace ocirun::cli
