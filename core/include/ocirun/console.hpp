// ocirun/console.hpp — process.terminal for a program driving ocirun: runc's rules on
// --console-socket, the socketpair a foreground `run -t`/`exec -t` receives the pty master over,
// and the caller's window size for it.
#pragma once

#include <sys/ioctl.h>

#include <optional>
#include <string>

#include "ocirun/unique_fd.hpp"

namespace ocirun::container {

// runc's rules for a process with process.terminal = `terminal`, with runc's texts: a detached
// runtime (create, run -d, exec -d) needs --console-socket to hand the pty to; the socket is
// refused when there is no pty or nobody detaches.
void check_console_socket_use(bool terminal, bool detach, const std::string& console_socket);

// The caller's window size, when it has a terminal.
std::optional<struct winsize> caller_window_size();

// TIOCSWINSZ the caller's window size onto the master; false when the caller has no terminal.
// (Also declared in container/terminal_proxy.hpp, which implements it.)
bool copy_caller_window_size(int master_fd);

// A socketpair standing in for --console-socket: sender() goes to create/exec as
// console_socket_fd; after that returned, receive_master() takes the pty master the process sent.
class ForegroundConsole {
public:
    ForegroundConsole();
    int sender() const { return sender_.get(); }
    // Closes our copy of the sending end first, so a process that failed before sending makes
    // this fail (with `what` in the message) instead of blocking.
    UniqueFd receive_master(const std::string& what);

private:
    UniqueFd sender_;
    UniqueFd receiver_;
};

}  // namespace ocirun::container
