#include "go_duration.hpp"

#include <stdexcept>
#include <string>

namespace ocirun::cli {
namespace {

// Nanoseconds per unit; longest names first so that "ms" is not read as "m".
struct Unit {
    std::string_view name;
    double ns;
};
constexpr Unit kUnits[] = {{"ns", 1},      {"us", 1e3},    {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
                           {"ms", 1e6},    {"s", 1e9},     {"m", 60e9},        {"h", 3600e9}};

}  // namespace

std::chrono::milliseconds parse_go_duration(std::string_view text) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return std::chrono::milliseconds(0);
    if (s.empty()) throw std::invalid_argument("invalid duration " + quoted);

    double total_ns = 0;
    while (!s.empty()) {
        size_t n = 0;
        while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')) ++n;
        const std::string_view digits = s.substr(0, n);
        if (n == 0 || digits == "." || digits.find('.') != digits.rfind('.')) throw std::invalid_argument("invalid duration " + quoted);
        const double number = std::stod(std::string(s.substr(0, n)));
        s.remove_prefix(n);
        const Unit* unit = nullptr;
        size_t best = 0;
        for (const Unit& u : kUnits) {
            if (s.substr(0, u.name.size()) == u.name && u.name.size() > best) {
                unit = &u;
                best = u.name.size();
            }
        }
        if (unit == nullptr)
            throw std::invalid_argument("missing or unknown unit in duration " + quoted);
        s.remove_prefix(unit->name.size());
        total_ns += number * unit->ns;
        // Go's durations are int64 nanoseconds: beyond that, Go refuses the text (and a cast
        // of a larger double to an integer is undefined).
        if (!(total_ns < 9223372036854775807.0)) throw std::invalid_argument("invalid duration " + quoted);
    }
    const auto ms = static_cast<long long>(total_ns / 1e6);
    return std::chrono::milliseconds(negative ? -ms : ms);
}

}  // namespace ocirun::cli
