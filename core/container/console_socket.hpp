// --console-socket, runtime side: connect to the AF_UNIX socket that will receive the pty
// master (create and exec; the child sends it, see core/linux/console.cpp). A foreground
// `run -t`/`exec -t` without --console-socket uses an internal socketpair instead
// (ForegroundConsole) and proxies the master itself (terminal_proxy.hpp).
#pragma once

#include <string>

#include "util/unique_fd.hpp"

namespace ocirun::container {

// runc's rules for a process with process.terminal = `terminal`, with runc's texts: a detached
// runtime (create, run -d, exec -d) needs --console-socket to hand the pty to; the socket is
// refused when there is no pty or nobody detaches.
void check_console_socket_use(bool terminal, bool detach, const std::string& console_socket);

// Throws ocirun::Error naming --console-socket and the path.
UniqueFd connect_console_socket(const std::string& path);

// The socket the container's process sends its pty master over: `path` connected, else a
// close-on-exec duplicate of the caller's already connected `fd` (>= 0), else none.
UniqueFd open_console_socket(const std::string& path, int fd);

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
