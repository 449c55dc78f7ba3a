// Finding the criu(8) executable. Presence only: `criu check` is not run (it is slow and
// needs privileges), so a found binary may still lack kernel support.
#pragma once

#include <optional>
#include <string>

namespace ocirun::criu {

// The first executable "criu" in $PATH, or std::nullopt.
std::optional<std::string> find_criu_binary();

}  // namespace ocirun::criu
