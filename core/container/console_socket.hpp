// --console-socket, runtime side: connect to the AF_UNIX socket that will receive the pty
// master (create and exec; the child sends it, see core/linux/console.cpp). A foreground
// `run -t`/`exec -t` without --console-socket uses an internal socketpair instead
// (ForegroundConsole) and proxies the master itself (terminal_proxy.hpp). The parts the CLI
// uses are public: ocirun/console.hpp.
#pragma once

#include <string>

#include "ocirun/console.hpp"
#include "ocirun/unique_fd.hpp"

namespace ocirun::container {

// Throws ocirun::Error naming --console-socket and the path.
UniqueFd connect_console_socket(const std::string& path);

// The socket the container's process sends its pty master over: `path` connected, else a
// close-on-exec duplicate of the caller's already connected `fd` (>= 0), else none.
UniqueFd open_console_socket(const std::string& path, int fd);

}  // namespace ocirun::container
