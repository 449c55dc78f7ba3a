#include "cgroup_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <sstream>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

namespace {

// The whole file (one open, no separate stat). With `missing_ok`, nullopt when it does not
// exist; any other failure throws with its own errno.
std::optional<std::string> read_whole(const fs::path& file, bool missing_ok) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && missing_ok && (errno == ENOENT || errno == ENOTDIR)) return std::nullopt;
    if (fd < 0) throw sys_error("open " + file.string());
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            throw sys_error("read " + file.string(), err);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace

std::string read_text(const fs::path& file) {
    return std::move(*read_whole(file, false));
}

static std::string trim_right(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

std::optional<std::string> read_trimmed_if_exists(const fs::path& file) {
    std::optional<std::string> text = read_whole(file, true);
    if (!text) return std::nullopt;
    return trim_right(std::move(*text));
}

void write_text(const fs::path& file, const std::string& value) {
    if (!write_text_if_exists(file, value)) throw sys_error("open " + file.string(), ENOENT);
}

bool write_text_if_exists(const fs::path& file, const std::string& value) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return false;
    if (fd < 0) throw sys_error("open " + file.string());
    ssize_t n;
    do {
        n = ::write(fd, value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    int err = errno;
    ::close(fd);
    if (n < 0) throw sys_error("write \"" + value + "\" to " + file.string(), err);
    return true;
}

static std::uint64_t parse_u64(const std::string& text, const fs::path& file) {
    if (text == "max") return std::numeric_limits<std::uint64_t>::max();
    try {
        size_t used = 0;
        // Some v1 files hold -1 for "unlimited"; treat any negative as unlimited.
        if (!text.empty() && text[0] == '-') return std::numeric_limits<std::uint64_t>::max();
        std::uint64_t v = std::stoull(text, &used);
        if (used != text.size()) throw std::invalid_argument("trailing text");
        return v;
    } catch (const std::exception&) {
        throw Error(file.string() + ": expected a number, found \"" + text + "\"");
    }
}

std::uint64_t read_u64(const fs::path& file) { return parse_u64(trim_right(read_text(file)), file); }

std::uint64_t read_u64_or(const fs::path& file, std::uint64_t fallback) {
    auto text = read_trimmed_if_exists(file);
    return text ? parse_u64(*text, file) : fallback;
}

std::vector<std::uint64_t> read_u64_list(const fs::path& file) {
    std::vector<std::uint64_t> out;
    std::istringstream in(read_text(file));
    std::string word;
    while (in >> word) out.push_back(parse_u64(word, file));
    return out;
}

std::map<std::string, std::uint64_t> read_flat_keyed(const fs::path& file) {
    std::map<std::string, std::uint64_t> out;
    auto text = read_trimmed_if_exists(file);
    if (!text) return out;
    std::istringstream in(*text);
    std::string key, value;
    while (in >> key >> value) out[key] = parse_u64(value, file);
    return out;
}

static void collect_procs(const fs::path& dir, bool recursive, std::vector<pid_t>& out) {
    std::istringstream in(read_text(dir / "cgroup.procs"));
    long pid;
    while (in >> pid) out.push_back(static_cast<pid_t>(pid));
    if (!recursive) return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory(ec) && !entry.is_symlink(ec)) collect_procs(entry.path(), true, out);
    }
}

std::vector<pid_t> read_procs(const fs::path& dir, bool recursive) {
    std::vector<pid_t> out;
    collect_procs(dir, recursive, out);
    return out;
}

}  // namespace ocirun::cgroups
