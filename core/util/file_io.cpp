#include "util/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::fileio {
namespace {

std::optional<std::string> read_impl(const std::filesystem::path& path, bool missing_ok) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (missing_ok && errno == ENOENT) return std::nullopt;
        throw sys_error("open " + path.string());
    }
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw sys_error("read " + path.string());
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw sys_error("write " + path.string());
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) { return *read_impl(path, false); }

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
    return read_impl(path, true);
}

void write_existing(const std::filesystem::path& path, std::string_view data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw sys_error("open " + path.string());
    write_all(fd.get(), data, path);
}

void write_atomic(const std::filesystem::path& path, std::string_view data, bool durable,
                  unsigned mode) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::string tmpl = (dir / ("." + path.filename().string() + ".tmpXXXXXX")).string();
    UniqueFd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd) throw sys_error("create temporary file in " + dir.string());
    try {
        if (::fchmod(fd.get(), mode) != 0) throw sys_error("chmod " + tmpl);
        write_all(fd.get(), data, tmpl);
        if (durable && ::fsync(fd.get()) != 0) throw sys_error("fsync " + tmpl);
        fd.reset();
        if (::rename(tmpl.c_str(), path.c_str()) != 0) throw sys_error("rename to " + path.string());
    } catch (...) {
        ::unlink(tmpl.c_str());
        throw;
    }
    if (durable) {
        UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dfd) ::fsync(dfd.get());
    }
}

}  // namespace ocirun::fileio
