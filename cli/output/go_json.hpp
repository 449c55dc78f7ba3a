// JSON text the way Go's encoding/json writes it, for output that clients compare with runc's.
#pragma once

#include <string>
#include <string_view>

namespace ocirun::cli {

// A JSON string literal with Go's escaping: \" \\ \n \r \t, other control bytes and
// the HTML characters < > & as \u00XX, U+2028/U+2029 as \u2028/\u2029.
std::string go_json_quote(std::string_view s);

}  // namespace ocirun::cli
