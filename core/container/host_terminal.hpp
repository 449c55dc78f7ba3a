// The caller's own terminal, for a foreground `run`/`exec` whose process has process.terminal
// and no --console-socket: its size is what the container's pty gets, and it is put in raw mode
// while the runtime copies bytes between it and the pty master (see terminal_proxy.hpp).
#pragma once

#include <sys/ioctl.h>
#include <termios.h>

#include <optional>

#include "ocirun/console.hpp"  // caller_window_size

namespace ocirun::container {

// The first of stdin, stdout, stderr that is a terminal (like runc: any of them may have been
// redirected), or -1.
int caller_terminal_fd();

// Puts the caller's terminal in raw mode (no echo, no line editing, no signal keys: ^C reaches
// the container's pty as a byte) and restores the saved mode on destruction, on every path out.
// Does nothing when the caller has no terminal.
class RawModeGuard {
public:
    RawModeGuard();
    ~RawModeGuard();
    RawModeGuard(const RawModeGuard&) = delete;
    RawModeGuard& operator=(const RawModeGuard&) = delete;

    bool active() const { return fd_ >= 0; }

private:
    int fd_ = -1;
    struct termios saved_ {};
};

}  // namespace ocirun::container
