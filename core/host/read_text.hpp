// The whole of a small text file (/proc, sysfs), for this library's readers.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "ocirun/error.hpp"

namespace ocirun::host::detail {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw sys_error("read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Calls fn(line) for each line of `text`, without its newline.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        fn(text.substr(0, nl));
        if (nl == std::string_view::npos) return;
        text.remove_prefix(nl + 1);
    }
}

}  // namespace ocirun::host::detail
