#include "container/host_terminal.hpp"

#include <unistd.h>

#include <cerrno>

#include "ocirun/error.hpp"

namespace ocirun::container {

int caller_terminal_fd() {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
        if (::isatty(fd)) return fd;
    return -1;
}

std::optional<struct winsize> caller_window_size() {
    const int fd = caller_terminal_fd();
    if (fd < 0) return std::nullopt;
    struct winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return std::nullopt;
    if (ws.ws_row == 0 && ws.ws_col == 0) return std::nullopt;  // a pty nobody sized yet
    return ws;
}

RawModeGuard::RawModeGuard() {
    const int fd = caller_terminal_fd();
    if (fd < 0) return;
    if (::tcgetattr(fd, &saved_) != 0) throw sys_error("terminal: tcgetattr on the caller's terminal");
    struct termios raw = saved_;
    ::cfmakeraw(&raw);
    // Keep output processing off too: the container's pty already turns \n into \r\n.
    int rc;
    do {
        rc = ::tcsetattr(fd, TCSANOW, &raw);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) throw sys_error("terminal: put the caller's terminal in raw mode");
    fd_ = fd;
}

RawModeGuard::~RawModeGuard() {
    if (fd_ < 0) return;
    // TCSADRAIN: the container's last output reaches the screen in raw mode first.
    while (::tcsetattr(fd_, TCSADRAIN, &saved_) != 0 && errno == EINTR) {
    }
}

}  // namespace ocirun::container
