// Go's time.ParseDuration syntax ("5s", "100ms", "1m30s", "1.5h"), which clients use for
// `events --interval`.
#pragma once

#include <chrono>
#include <string_view>

namespace ocirun::cli {

// Rounded down to milliseconds. Throws std::invalid_argument saying what is wrong.
std::chrono::milliseconds parse_go_duration(std::string_view text);

}  // namespace ocirun::cli
