#include "linux/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ocirun::linux_init {

ssize_t send_with_fd(int socket_fd, const struct iovec* iov, std::size_t iov_count, int pass_fd) {
    struct msghdr mh {};
    mh.msg_iov = const_cast<struct iovec*>(iov);
    mh.msg_iovlen = iov_count;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (pass_fd >= 0) {
        mh.msg_control = control;
        mh.msg_controllen = sizeof control;
        struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    ssize_t n;
    do {
        n = ::sendmsg(socket_fd, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

ssize_t receive_with_fds(int socket_fd, struct iovec* iov, std::size_t iov_count, std::vector<UniqueFd>& fds) {
    fds.clear();
    struct msghdr mh {};
    mh.msg_iov = iov;
    mh.msg_iovlen = iov_count;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxReceivedFds)] = {};
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(socket_fd, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            fds.emplace_back(fd);
        }
    }
    return n;
}

}  // namespace ocirun::linux_init
