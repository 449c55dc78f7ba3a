// ocirun/log.hpp — runtime logging with runc's conventions: text or JSON lines
// ({"level","msg","time"}) to the --log file (stderr when unset). Configured once by the CLI (or
// an embedding program).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace ocirun::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Text, Json };

struct Options {
    std::string file;  // empty: stderr
    Format format = Format::Text;
    bool debug = false;
};

void configure(const Options& opts);
bool debug_enabled();

void write(Level level, std::string_view msg);
inline void debug(std::string_view m) { if (debug_enabled()) write(Level::Debug, m); }

namespace detail {
inline void append(std::string& out, std::string_view part) { out += part; }
template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
void append(std::string& out, Int n) { out += std::to_string(n); }
}  // namespace detail

// debug("create ", id, ": init ", pid, " started"): the parts are joined only when --debug is
// on, so a lifecycle step costs one relaxed atomic load without it.
template <class... Parts>
    requires(sizeof...(Parts) >= 2)
void debug(const Parts&... parts) {
    if (!debug_enabled()) return;
    std::string msg;
    (detail::append(msg, parts), ...);
    write(Level::Debug, msg);
}
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

}  // namespace ocirun::log
