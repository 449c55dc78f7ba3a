#include "util/go_json.hpp"

#include <boost/json/serialize.hpp>

namespace ocirun::gojson {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void append_value(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += quote(std::string_view(kv.key().data(), kv.key().size()));
                out += ':';
                append_value(out, kv.value());
            }
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ',';
                first = false;
                append_value(out, item);
            }
            out += ']';
            return;
        }
        case boost::json::kind::string:
            out += quote(std::string_view(v.get_string().data(), v.get_string().size()));
            return;
        default:
            out += boost::json::serialize(v);  // numbers, booleans, null: the same text as Go's
            return;
    }
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto at = [&](std::size_t k) -> unsigned char {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
    };
    const unsigned char b0 = at(0);
    if (i >= s.size()) return 0;
    if (b0 < 0x80) return 1;
    // The second byte's range depends on the first (RFC 3629 table, as Go's acceptRanges):
    // this excludes overlong forms (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and
    // code points past U+10FFFF (F4 90-BF, F5-FF).
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + length > s.size()) return 0;
    if (at(1) < lo || at(1) > hi) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (!is_continuation(at(k))) return 0;
    return length;
}

std::string quote(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        out += "\\u00";
                        out += kHex[c >> 4];
                        out += kHex[c & 0xF];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(s, i);
        if (length == 0) {
            out += "\\ufffd";  // Go: one replacement character per invalid byte
            ++i;
            continue;
        }
        const std::string_view sequence = s.substr(i, length);
        if (sequence == "\xE2\x80\xA8" || sequence == "\xE2\x80\xA9") {
            out += sequence.back() == '\xA8' ? "\\u2028" : "\\u2029";  // Go escapes them for JavaScript
        } else {
            out += sequence;
        }
        i += length;
    }
    out += '"';
    return out;
}

std::string serialize(const boost::json::value& v) {
    std::string out;
    append_value(out, v);
    return out;
}

}  // namespace ocirun::gojson
