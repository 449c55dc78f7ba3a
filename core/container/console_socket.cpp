#include "container/console_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "ocirun/error.hpp"

namespace ocirun::container {

UniqueFd connect_console_socket(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error("--console-socket " + path + ": path is too long for a unix socket");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw sys_error("--console-socket: socket");
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw sys_error("--console-socket: connect " + path);
    return fd;
}

}  // namespace ocirun::container
