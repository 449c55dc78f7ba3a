#include "container/console_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <vector>

#include "linux/fd_passing.hpp"
#include "ocirun/error.hpp"

namespace ocirun::container {

void check_console_socket_use(bool terminal, bool detach, const std::string& console_socket) {
    if (detach && terminal && console_socket.empty())
        throw Error("cannot allocate tty if runc will detach without setting console socket");
    if ((!detach || !terminal) && !console_socket.empty())
        throw Error("cannot use console socket if runc will not detach or allocate tty");
}

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

UniqueFd open_console_socket(const std::string& path, int fd) {
    if (!path.empty()) return connect_console_socket(path);
    if (fd < 0) return UniqueFd();
    UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!copy) throw sys_error("console socket fd " + std::to_string(fd) + ": dup");
    return copy;
}

ForegroundConsole::ForegroundConsole() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw sys_error("terminal: socketpair for the pty master");
    receiver_.reset(sv[0]);
    sender_.reset(sv[1]);
}

UniqueFd ForegroundConsole::receive_master(const std::string& what) {
    sender_.reset();
    char name[256];
    struct iovec iov {name, sizeof name};
    // Every fd the kernel installed is ours to close, however many the sender put in: only a
    // single one is taken as the master.
    std::vector<UniqueFd> fds;
    ssize_t n;
    do {
        n = linux_init::receive_with_fds(receiver_.get(), &iov, 1, fds);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw sys_error(what + ": receive the pty master");
    if (n == 0 || fds.size() != 1) throw Error(what + ": the process did not send its pty master");
    return std::move(fds.front());
}

}  // namespace ocirun::container
