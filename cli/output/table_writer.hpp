// Aligned text tables like Go's text/tabwriter with the settings runc's `list` uses
// (minwidth 12, padding 3, spaces): each column but the last is as wide as its widest cell
// plus 3, and at least 12; the last column is not padded.
#pragma once

#include <string>
#include <vector>

namespace ocirun::cli {

std::string format_table(const std::vector<std::vector<std::string>>& rows, size_t min_width = 12,
                         size_t padding = 3);

}  // namespace ocirun::cli
