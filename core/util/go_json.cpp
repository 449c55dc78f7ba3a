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

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, const char* prefix, unsigned char c) {
    out += prefix;
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
}

// The one walk over a Go string both quoters share: the quoted text, each ASCII byte, each valid
// UTF-8 sequence (two to four bytes) and each byte that starts none written by its handler.
template <typename Ascii, typename Sequence, typename Invalid>
std::string quote_go_string(std::string_view s, Ascii on_ascii, Sequence on_sequence, Invalid on_invalid) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            on_ascii(out, c);
            ++i;
        } else if (const std::size_t length = utf8_sequence_length(s, i); length > 0) {
            on_sequence(out, s.substr(i, length));
            i += length;
        } else {
            on_invalid(out, c);
            ++i;
        }
    }
    out += '"';
    return out;
}

// The escapes JSON and Go's %q write alike; false for any other byte.
bool append_common_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return true;
        case '\\': out += "\\\\"; return true;
        case '\n': out += "\\n"; return true;
        case '\r': out += "\\r"; return true;
        case '\t': out += "\\t"; return true;
        default: return false;
    }
}

}  // namespace

std::string quote(std::string_view s) {
    return quote_go_string(
        s,
        [](std::string& out, unsigned char c) {
            if (append_common_escape(out, c)) return;
            if (c < 0x20 || c == '<' || c == '>' || c == '&') append_hex_byte(out, "\\u00", c);
            else out += static_cast<char>(c);
        },
        [](std::string& out, std::string_view sequence) {
            if (sequence == "\xE2\x80\xA8") out += "\\u2028";  // Go escapes them for JavaScript
            else if (sequence == "\xE2\x80\xA9") out += "\\u2029";
            else out += sequence;
        },
        [](std::string& out, unsigned char) { out += "\\ufffd"; });  // Go: one U+FFFD per invalid byte
}

std::string go_quote(std::string_view s) {
    return quote_go_string(
        s,
        [](std::string& out, unsigned char c) {
            if (append_common_escape(out, c)) return;
            if (c < 0x20 || c == 0x7f) append_hex_byte(out, "\\x", c);
            else out += static_cast<char>(c);
        },
        [](std::string& out, std::string_view sequence) { out += sequence; },
        [](std::string& out, unsigned char c) { append_hex_byte(out, "\\x", c); });
}

std::string serialize(const boost::json::value& v) {
    std::string out;
    append_value(out, v);
    return out;
}

}  // namespace ocirun::gojson
