// Log lines as runc writes them through logrus:
//   text: time="2026-11-26T10:00:00Z" level=error msg="container does not exist"
//   json: {"level":"error","msg":"container does not exist","time":"2026-11-26T10:00:00Z"}
// Each line is one write(2) on an O_APPEND descriptor, so concurrent writers never interleave.
#include "util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <mutex>

#include "ocirun/error.hpp"
#include "util/go_json.hpp"

namespace ocirun::log {
namespace {

struct Sink {
    std::mutex mu;
    int fd = STDERR_FILENO;
    bool owned = false;
    Format format = Format::Text;
};

Sink& sink() {
    static Sink s;
    return s;
}

// Read on every debug() call: a relaxed atomic load is all that disabled debug logging costs.
std::atomic<bool> g_debug{false};

const char* level_name(Level level) {
    switch (level) {
        case Level::Debug: return "debug";
        case Level::Info: return "info";
        case Level::Warn: return "warning";  // logrus's name for its warn level
        case Level::Error: return "error";
    }
    return "error";
}

std::string rfc3339_now() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// logrus quotes a value unless every byte is one of [A-Za-z0-9-._/@^+].
bool needs_quoting(std::string_view s) {
    if (s.empty()) return true;
    for (unsigned char c : s) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' ||
                     c == '+';
        if (!plain) return true;
    }
    return false;
}

std::string format_line(Format format, Level level, std::string_view msg) {
    const std::string time = rfc3339_now();
    if (format == Format::Json) {
        return "{\"level\":" + gojson::quote(level_name(level)) + ",\"msg\":" + gojson::quote(msg) +
               ",\"time\":" + gojson::quote(time) + "}\n";
    }
    std::string value = needs_quoting(msg) ? gojson::go_quote(msg) : std::string(msg);
    return "time=" + gojson::go_quote(time) + " level=" + level_name(level) + " msg=" + value + "\n";
}

void write_all(int fd, const std::string& line) {
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // nowhere left to report a failing log
        }
        rest.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

void configure(const Options& opts) {
    int fd = STDERR_FILENO;
    bool owned = false;
    if (!opts.file.empty()) {
        fd = ::open(opts.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) throw sys_error("open log file " + opts.file);
        owned = true;
    }
    Sink& s = sink();
    std::lock_guard<std::mutex> guard(s.mu);
    if (s.owned) ::close(s.fd);
    s.fd = fd;
    s.owned = owned;
    s.format = opts.format;
    g_debug.store(opts.debug, std::memory_order_relaxed);
}

bool debug_enabled() { return g_debug.load(std::memory_order_relaxed); }

void write(Level level, std::string_view msg) {
    Sink& s = sink();
    std::lock_guard<std::mutex> guard(s.mu);
    write_all(s.fd, format_line(s.format, level, msg));
}

}  // namespace ocirun::log
