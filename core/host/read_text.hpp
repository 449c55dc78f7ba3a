// The whole of a small text file (/proc, sysfs), for this library's readers.
#pragma once

#include <fcntl.h>
#include <cerrno>
#include <unistd.h>

#include <string>

#include "ocirun/error.hpp"

namespace ocirun::host::detail {

// Plain open/read: no iostreams (their locale machinery is heavy, and with the fd limit reached a
// failed ifstream tripped UBSan's vptr check inside libstdc++).
inline std::string read_text(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw sys_error("read " + path);
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            text.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            const int saved = errno;
            ::close(fd);
            if (n < 0) {
                errno = saved;
                throw sys_error("read " + path);
            }
            return text;
        }
    }
}

// Calls fn(line) for each line of `text`, without its newline.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        fn(text.substr(0, nl));
        if (nl == std::string_view::npos) return;
        text.remove_prefix(nl + 1);
    }
}

}  // namespace ocirun::host::detail
