// Runtime logging with runc's conventions: text or JSON lines ({"level","msg","time"}) to the
// --log file (stderr when unset). Configured once by the CLI (or an embedding program).
#pragma once

#include <string>
#include <string_view>

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
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

}  // namespace ocirun::log
