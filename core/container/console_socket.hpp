// --console-socket, runtime side: connect to the AF_UNIX socket that will receive the pty
// master (create and exec; the child sends it, see core/linux/console.cpp).
#pragma once

#include <string>

#include "util/unique_fd.hpp"

namespace ocirun::container {

// Throws ocirun::Error naming --console-socket and the path.
UniqueFd connect_console_socket(const std::string& path);

}  // namespace ocirun::container
