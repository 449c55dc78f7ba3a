// JSON text the way Go's encoding/json writes it, for output that clients compare with runc's.
// The escaping lives in the spec module (it also lays out `ocirun spec`); the CLI re-uses it.
#pragma once

#include "ocirun/spec_json.hpp"

namespace ocirun::cli {

using spec::go_json_quote;

}  // namespace ocirun::cli
