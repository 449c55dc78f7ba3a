// JSON text exactly as Go's encoding/json writes it (runc's state.json, `state`, `list -f json`,
// hook stdin, logrus's JSON lines): the one string escaper of the core (and Go's %q beside it,
// on the same walk over the bytes).
//
// Go never writes invalid UTF-8: each byte that does not start a valid UTF-8 sequence becomes
// U+FFFD (written as the escape \ufffd), one per byte, as utf8.DecodeRuneInString reads it
// (overlong forms, surrogates and code points above U+10FFFF are invalid). So whatever bytes a
// config.json or a command line carried, the JSON we write always parses.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace ocirun::gojson {

// Length (1-4) of the valid UTF-8 sequence starting at s[i], or 0 when s[i] starts none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

// A JSON string literal, quotes included: \" \\ \n \r \t; other control bytes and < > & as
// \u00XX (Go's HTML-safe default); U+2028/U+2029 escaped; invalid UTF-8 as \ufffd per byte.
std::string quote(std::string_view s);

// Go's %q (strconv.Quote) for the bytes met in messages and ids: \" \\ \n \r \t, other control
// bytes and invalid UTF-8 as \xNN, valid UTF-8 sequences as they are. logrus's text lines and
// the container-id errors use it.
std::string go_quote(std::string_view s);

// Compact JSON (json.Marshal's layout: no spaces) with every string written by quote().
std::string serialize(const boost::json::value& v);

}  // namespace ocirun::gojson
