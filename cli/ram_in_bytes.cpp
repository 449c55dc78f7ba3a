#include "ram_in_bytes.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ocirun::cli {

std::int64_t parse_ram_in_bytes(std::string_view text) {
    const std::invalid_argument invalid("invalid size: '" + std::string(text) + "'");
    size_t i = 0;
    // The number: digits, then optionally "." groups of digits (the regexp allows 1.2.3 but
    // the float parse then fails, as in Go).
    auto digits = [&] {
        size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        return i > start;
    };
    if (!digits()) throw invalid;
    int dots = 0;
    while (i < text.size() && text[i] == '.') {
        ++i;
        ++dots;
        if (!digits()) throw invalid;
    }
    if (dots > 1) throw invalid;
    const std::string number(text.substr(0, i));
    if (i < text.size() && text[i] == ' ') ++i;
    double multiplier = 1;
    if (i < text.size()) {
        switch (std::tolower(static_cast<unsigned char>(text[i]))) {
            case 'k': multiplier = 1024.0; ++i; break;
            case 'm': multiplier = 1024.0 * 1024; ++i; break;
            case 'g': multiplier = 1024.0 * 1024 * 1024; ++i; break;
            case 't': multiplier = 1024.0 * 1024 * 1024 * 1024; ++i; break;
            case 'p': multiplier = 1024.0 * 1024 * 1024 * 1024 * 1024; ++i; break;
            default: break;
        }
    }
    if (i < text.size() && (text[i] == 'i' || text[i] == 'I')) ++i;
    if (i < text.size() && (text[i] == 'b' || text[i] == 'B')) ++i;
    if (i != text.size()) throw invalid;
    const double value = std::stod(number) * multiplier;
    // 2^63 itself does not fit int64_t (9223372036854775808 parses to exactly it): refuse from there.
    if (!std::isfinite(value) || value >= 0x1p63 || value < -0x1p63) throw invalid;
    return static_cast<std::int64_t>(value);
}

}  // namespace ocirun::cli
