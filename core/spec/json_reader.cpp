#include "spec/json_reader.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "ocirun/error.hpp"

namespace ocirun::spec::json_reader {
namespace json = boost::json;

Where Where::field(std::string_view name) const {
    Where w{origin, path};
    if (!w.path.empty()) w.path += '.';
    w.path += name;
    return w;
}

Where Where::index(std::size_t i) const {
    return Where{origin, path + "[" + std::to_string(i) + "]"};
}

Where Where::key(std::string_view map_key) const {
    return Where{origin, path + "[" + json::serialize(json::string_view(map_key.data(), map_key.size())) + "]"};
}

// Typed: the CLI and the drivers read the field from json_path(), never from the text.
void Where::fail(const std::string& message) const {
    throw InvalidConfig::in_file(std::string(origin), path, message);
}

std::string format_error(std::string_view origin, std::string_view path, const std::string& message) {
    std::string out(origin);
    if (!out.empty()) out += ": ";
    if (!path.empty()) {
        out += path;
        out += ": ";
    }
    return out + message;
}

std::string describe(const json::value& v) {
    constexpr std::size_t kMax = 60;
    std::string s;
    if (v.is_double()) {
        // Shortest form that reads back the same ("1.5"), not Boost's "1.5E0". (Not
        // std::to_chars: its floating-point part pulls libm into every ocirun start.)
        const double d = v.get_double();
        char buf[64];
        for (int precision = 1; precision <= 17; ++precision) {
            std::snprintf(buf, sizeof buf, "%.*g", precision, d);
            if (std::strtod(buf, nullptr) == d) break;
        }
        s = buf;
        // 1.0 must not read as the integer 1 in an "expected an integer" message.
        if (s.find_first_of(".eEin") == std::string::npos) s += ".0";
    } else {
        s = json::serialize(v);
    }
    if (s.size() > kMax) s = s.substr(0, kMax) + "...";
    return s;
}

namespace {

// 1-based line and column of byte `offset` in `text`.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

[[noreturn]] void syntax_error(std::string_view text, std::string_view origin, std::size_t offset,
                               const boost::system::error_code& ec) {
    auto [line, column] = line_column(text, offset);
    throw InvalidConfig::in_file(std::string(origin), {},
                                 "invalid JSON at line " + std::to_string(line) + ", column " +
                                     std::to_string(column) + ": " + ec.message());
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string kind_of(const json::value& v) {
    return describe(v);
}

}  // namespace

json::value parse_text(std::string_view text, std::string_view origin) {
    json::parse_options opts;
    opts.max_depth = 128;
    opts.allow_invalid_utf8 = true;  // Go's decoder accepts it too
    json::stream_parser parser({}, opts);
    boost::system::error_code ec;
    std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
    if (ec) syntax_error(text, origin, consumed, ec);
    if (consumed < text.size()) {
        // A complete value followed by something that is not whitespace.
        boost::system::error_code extra = json::error::extra_data;
        syntax_error(text, origin, consumed, extra);
    }
    parser.finish(ec);
    if (ec) syntax_error(text, origin, text.size(), ec);
    return parser.release();
}

const json::value* find_field(const json::object& obj, std::string_view name) {
    const json::value* found = nullptr;
    bool exact = false;
    // Go lets a later key override an earlier one; an exact match beats a case-folded one.
    for (const auto& kv : obj) {
        std::string_view key(kv.key().data(), kv.key().size());
        if (key == name) {
            found = &kv.value();
            exact = true;
        } else if (!exact && iequals(key, name)) {
            found = &kv.value();
        }
    }
    if (found && found->is_null()) return nullptr;
    return found;
}

const json::object& as_object(const json::value& v, const Where& w) {
    if (!v.is_object()) w.fail("expected an object, got " + kind_of(v));
    return v.get_object();
}

const json::array& as_array(const json::value& v, const Where& w) {
    if (!v.is_array()) w.fail("expected an array, got " + kind_of(v));
    return v.get_array();
}

std::string as_string(const json::value& v, const Where& w) {
    if (!v.is_string()) w.fail("expected a string, got " + kind_of(v));
    return std::string(v.get_string().data(), v.get_string().size());
}

bool as_bool(const json::value& v, const Where& w) {
    if (!v.is_bool()) w.fail("expected a boolean, got " + kind_of(v));
    return v.get_bool();
}

std::int64_t as_int(const json::value& v, const Where& w, std::int64_t min, std::int64_t max) {
    std::int64_t n = 0;
    if (v.is_int64()) {
        n = v.get_int64();
    } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        n = static_cast<std::int64_t>(v.get_uint64());
    } else if (v.is_uint64()) {
        w.fail("expected an integer between " + std::to_string(min) + " and " + std::to_string(max) +
               ", got " + kind_of(v));
    } else {
        w.fail("expected an integer, got " + kind_of(v));
    }
    if (n < min || n > max)
        w.fail("expected an integer between " + std::to_string(min) + " and " + std::to_string(max) +
               ", got " + kind_of(v));
    return n;
}

std::uint64_t as_uint(const json::value& v, const Where& w, std::uint64_t max) {
    std::uint64_t n = 0;
    if (v.is_uint64()) {
        n = v.get_uint64();
    } else if (v.is_int64() && v.get_int64() >= 0) {
        n = static_cast<std::uint64_t>(v.get_int64());
    } else {
        w.fail("expected an unsigned integer, got " + kind_of(v));
    }
    if (n > max) w.fail("expected an unsigned integer no larger than " + std::to_string(max) + ", got " + kind_of(v));
    return n;
}

}  // namespace ocirun::spec::json_reader
