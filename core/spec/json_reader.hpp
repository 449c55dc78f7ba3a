// Typed reads from a Boost.JSON tree that know where they are, so every error names the file,
// the JSON path and the offending value: `config.json: process.user.uid: expected an unsigned
// integer, got "x"`.
//
// Decoding follows Go's encoding/json as runc uses it: null means "absent", unknown keys are
// ignored, keys match field names exactly or else case-insensitively, and numbers must be
// integer literals in range for integer fields.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocirun::spec::json_reader {

// Where a value sits: the origin ("config.json") and its JSON path ("linux.namespaces[2]").
struct Where {
    std::string_view origin;
    std::string path;

    Where field(std::string_view name) const;
    Where index(std::size_t i) const;
    Where key(std::string_view map_key) const;  // path["key"]
    [[noreturn]] void fail(const std::string& message) const;  // throws InvalidConfig (origin, path)
};

// `origin: path: message` (or `origin: message` at the top level).
std::string format_error(std::string_view origin, std::string_view path, const std::string& message);

// The value serialized for an error message, shortened when long.
std::string describe(const boost::json::value& v);

// Parse JSON text; a syntax error names origin, line and column.
boost::json::value parse_text(std::string_view text, std::string_view origin);

// Field lookup with Go's rules; nullptr when missing or null.
const boost::json::value* find_field(const boost::json::object& obj, std::string_view name);

const boost::json::object& as_object(const boost::json::value& v, const Where& w);
const boost::json::array& as_array(const boost::json::value& v, const Where& w);
std::string as_string(const boost::json::value& v, const Where& w);
bool as_bool(const boost::json::value& v, const Where& w);
std::int64_t as_int(const boost::json::value& v, const Where& w, std::int64_t min, std::int64_t max);
std::uint64_t as_uint(const boost::json::value& v, const Where& w, std::uint64_t max);

}  // namespace ocirun::spec::json_reader
