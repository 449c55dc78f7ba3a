#include "annotation_properties.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <variant>

#include "ocirun/error.hpp"

namespace ocirun::cgroups::systemd {
namespace {

constexpr double kMicrosPerSecond = 1e6;

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\n") - first + 1);
}

// runc's rule for the NAME part: at least 3 characters, A-Z first, then letters and digits.
std::string name_problem(const std::string& name) {
    if (name.size() < 3) return "the property name \"" + name + "\" is too short";
    if (name[0] < 'A' || name[0] > 'Z') return "the property name \"" + name + "\" must start with A-Z";
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            return "the property name \"" + name + "\" must be letters and digits only";
    return {};
}

// A quoted GVariant string ('...' or "..."): backslash escapes the next character (\n, \t too).
// `pos` is at the opening quote; left after the closing one.
std::string parse_string(const std::string& text, std::size_t& pos) {
    const char quote = text[pos++];
    std::string out;
    while (pos < text.size() && text[pos] != quote) {
        char c = text[pos++];
        if (c == '\\') {
            if (pos >= text.size()) break;
            c = text[pos++];
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
        }
        out += c;
    }
    if (pos >= text.size()) throw Error("unterminated string " + text);
    ++pos;
    return out;
}

// ['a', "b"] as a list of strings (the only array form taken).
StringList parse_string_array(const std::string& text) {
    StringList out;
    std::size_t pos = 1;
    auto skip_space = [&] {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    };
    skip_space();
    if (pos < text.size() && text[pos] == ']') ++pos;
    else
        for (;;) {
            skip_space();
            if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
                throw Error("only arrays of quoted strings are supported, got " + text);
            out.push_back(parse_string(text, pos));
            skip_space();
            if (pos < text.size() && text[pos] == ',') { ++pos; continue; }
            if (pos < text.size() && text[pos] == ']') { ++pos; break; }
            throw Error("expected ',' or ']' in " + text);
        }
    skip_space();
    if (pos != text.size()) throw Error("unexpected text after ']' in " + text);
    return out;
}

// An integer literal (decimal, or 0x hex, optionally signed) within [lo, hi].
template <typename T>
T parse_integer(const std::string& digits, const std::string& type) {
    if (digits.empty()) throw Error("a " + type + " needs a number");
    errno = 0;
    char* end = nullptr;
    T value{};
    if constexpr (std::is_signed_v<T>) {
        const long long v = std::strtoll(digits.c_str(), &end, 0);
        if (errno == ERANGE || v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
            throw Error(digits + " is out of range for " + type);
        value = static_cast<T>(v);
    } else {
        if (digits[0] == '-') throw Error(digits + " is out of range for " + type);
        const unsigned long long v = std::strtoull(digits.c_str(), &end, 0);
        if (errno == ERANGE || v > std::numeric_limits<T>::max()) throw Error(digits + " is out of range for " + type);
        value = static_cast<T>(v);
    }
    if (end == digits.c_str() || *end != '\0') throw Error("\"" + digits + "\" is not a " + type);
    return value;
}

double parse_double(const std::string& digits) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(digits.c_str(), &end);
    if (digits.empty() || end == digits.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        throw Error("\"" + digits + "\" is not a double");
    return v;
}

// A number with its GVariant type word or @-type ("uint64 5", "@t 5").
UnitProperty::Value parse_typed_number(const std::string& type, const std::string& digits) {
    if (type == "byte" || type == "@y") return parse_integer<std::uint8_t>(digits, "byte");
    if (type == "int16" || type == "@n") return parse_integer<std::int16_t>(digits, "int16");
    if (type == "uint16" || type == "@q") return parse_integer<std::uint16_t>(digits, "uint16");
    if (type == "int32" || type == "@i") return parse_integer<std::int32_t>(digits, "int32");
    if (type == "uint32" || type == "@u") return parse_integer<std::uint32_t>(digits, "uint32");
    if (type == "int64" || type == "@x") return parse_integer<std::int64_t>(digits, "int64");
    if (type == "uint64" || type == "@t") return parse_integer<std::uint64_t>(digits, "uint64");
    if (type == "double" || type == "@d") return parse_double(digits);
    throw Error("unsupported GVariant type \"" + type + "\"");
}

// NAME...Sec in seconds -> the same number in microseconds (for NAME...USec), as runc converts.
std::uint64_t seconds_to_micros(const UnitProperty::Value& value) {
    return std::visit(
        [](const auto& v) -> std::uint64_t {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, double>) {
                if (v < 0) throw Error("a number of seconds must not be negative");
                return static_cast<std::uint64_t>(v * kMicrosPerSecond);
            } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                if constexpr (std::is_signed_v<T>)
                    if (v < 0) throw Error("a number of seconds must not be negative");
                return static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(kMicrosPerSecond);
            } else {
                throw Error("a ...Sec property takes a number of seconds");
            }
        },
        value);
}

}  // namespace

UnitProperty::Value parse_gvariant_text(const std::string& raw) {
    const std::string text = trim(raw);
    if (text.empty()) throw Error("empty value");
    if (text == "true") return true;
    if (text == "false") return false;
    if (text[0] == '\'' || text[0] == '"') {
        std::size_t pos = 0;
        std::string s = parse_string(text, pos);
        if (pos != text.size()) throw Error("unexpected text after the string in " + text);
        return s;
    }
    if (text[0] == '[') return parse_string_array(text);
    if (const auto space = text.find(' '); space != std::string::npos)
        return parse_typed_number(text.substr(0, space), trim(text.substr(space + 1)));
    // A bare number: int32 unless it has a fraction or exponent (double), as GVariant infers.
    const bool hex = text.rfind("0x", 0) == 0 || text.rfind("-0x", 0) == 0;
    if (!hex && text.find_first_of(".eE") != std::string::npos) return parse_double(text);
    if (text[0] == '-' || text[0] == '+' || std::isdigit(static_cast<unsigned char>(text[0])))
        return parse_integer<std::int32_t>(text, "int32");
    throw Error("unsupported value " + text +
                " (ocirun takes true/false, numbers, typed numbers like \"uint64 5\", quoted strings and "
                "arrays of quoted strings)");
}

std::vector<UnitProperty> annotation_properties(const std::map<std::string, std::string>& annotations) {
    std::vector<UnitProperty> out;
    const std::string prefix = kSystemdPropertyPrefix;
    for (const auto& [key, text] : annotations) {
        if (key.rfind(prefix, 0) != 0) continue;
        const std::string field = "annotations[\"" + key + "\"]";
        std::string name = key.substr(prefix.size());
        if (std::string why = name_problem(name); !why.empty()) throw InvalidConfig::in_file("config.json", field, why);
        UnitProperty::Value value;
        try {
            value = parse_gvariant_text(text);
            // TimeoutStopSec=5 -> TimeoutStopUSec=5000000 (a lowercase letter before "Sec", as runc).
            const std::size_t stem = name.size() - 3;
            if (name.compare(stem, 3, "Sec") == 0 && name[stem - 1] >= 'a' && name[stem - 1] <= 'z') {
                value = seconds_to_micros(value);
                name = name.substr(0, stem) + "USec";
            }
        } catch (const Error& e) {
            throw InvalidConfig::in_file("config.json", field, "cannot parse \"" + text + "\": " + e.what());
        }
        out.push_back({name, std::move(value)});
    }
    return out;
}

}  // namespace ocirun::cgroups::systemd
