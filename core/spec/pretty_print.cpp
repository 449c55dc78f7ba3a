// JSON text laid out like Go's json.MarshalIndent(v, "", "\t"): one member per line, tab
// indentation, `"key": value`, empty containers as {} / [], no trailing newline (runc's
// `spec` writes the bytes as they come). Strings are escaped the way Go escapes them,
// including <, > and & as \u003c, \u003e, \u0026.
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "spec/spec_json.hpp"
#include "util/go_json.hpp"

namespace ocirun::spec {

// The core's one Go string escaper (util/go_json), also for invalid UTF-8.
std::string go_json_quote(std::string_view s) { return gojson::quote(s); }

namespace {

namespace json = boost::json;

void write_string(std::string& out, std::string_view s) { out += go_json_quote(s); }

void newline(std::string& out, int depth) {
    out += '\n';
    out.append(static_cast<std::size_t>(depth), '\t');
}

void write_value(std::string& out, const json::value& v, int depth) {
    switch (v.kind()) {
        case json::kind::object: {
            const auto& obj = v.get_object();
            if (obj.empty()) {
                out += "{}";
                return;
            }
            out += '{';
            bool first = true;
            for (const auto& kv : obj) {
                if (!first) out += ',';
                first = false;
                newline(out, depth + 1);
                write_string(out, std::string_view(kv.key().data(), kv.key().size()));
                out += ": ";
                write_value(out, kv.value(), depth + 1);
            }
            newline(out, depth);
            out += '}';
            return;
        }
        case json::kind::array: {
            const auto& arr = v.get_array();
            if (arr.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            bool first = true;
            for (const auto& item : arr) {
                if (!first) out += ',';
                first = false;
                newline(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            newline(out, depth);
            out += ']';
            return;
        }
        case json::kind::string:
            write_string(out, std::string_view(v.get_string().data(), v.get_string().size()));
            return;
        default:
            // Numbers, booleans and null print the same in Go and Boost.JSON.
            out += json::serialize(v);
            return;
    }
}

}  // namespace

std::string pretty_print(const json::value& v) {
    std::string out;
    write_value(out, v, 0);
    return out;
}

}  // namespace ocirun::spec
