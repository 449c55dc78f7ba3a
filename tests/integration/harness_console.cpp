#include "harness_console.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace ocirun::it {

ConsoleSocket::ConsoleSocket() : dir_("ocirun-it-console") {
    path_ = (dir_.path() / "console.sock").string();
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 4) != 0)
        throw std::runtime_error("console socket " + path_);
}

ConsoleSocket::~ConsoleSocket() { ::close(fd_); }

int ConsoleSocket::receive_master(std::string* name) const {
    struct pollfd p {fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return -1;
    const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return -1;
    char buf[256];
    struct iovec iov {buf, sizeof buf};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    ::close(conn);
    if (name && n > 0) name->assign(buf, static_cast<std::size_t>(n));
    struct cmsghdr* c = n < 0 ? nullptr : CMSG_FIRSTHDR(&mh);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

std::string read_until(int master, const std::string& marker) {
    std::string out;
    char buf[512];
    while (out.find(marker) == std::string::npos) {
        struct pollfd p {master, POLLIN, 0};
        if (::poll(&p, 1, 10000) != 1) break;
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace ocirun::it
