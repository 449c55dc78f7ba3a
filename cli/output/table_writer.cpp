#include "output/table_writer.hpp"

#include <algorithm>

namespace ocirun::cli {

std::string format_table(const std::vector<std::vector<std::string>>& rows, size_t min_width,
                         size_t padding) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        // Only cells followed by another cell are aligned (Go: tab-terminated cells).
        for (size_t c = 0; c + 1 < row.size(); ++c) {
            if (widths.size() <= c) widths.push_back(0);
            widths[c] = std::max(widths[c], row[c].size() + padding);
        }
    }
    for (auto& w : widths) w = std::max(w, min_width);

    std::string out;
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            out += row[c];
            if (c + 1 < row.size()) out.append(widths[c] - row[c].size(), ' ');
        }
        out += '\n';
    }
    return out;
}

}  // namespace ocirun::cli
