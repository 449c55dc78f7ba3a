// Fuzz target: the decoders of what crosses a socket from a process the runtime does not trust
// (the container's init, an exec'd process).
//   byte 0 bit 0: which decoder. 0: a sync record (SOCK_SEQPACKET, core/linux/sync.cpp recv_msg);
//                 1: the pty master hand-over (SOCK_STREAM, ForegroundConsole::receive_master).
//   byte 0 bits 1-2: how many fds ride along in SCM_RIGHTS (0-3; /dev/null copies).
//   the rest: the bytes sent.
// A refusal is an ocirun::Error; every received fd must be closed or returned (no leak).
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "container/console_socket.hpp"
#include "linux/container_init.hpp"
#include "ocirun/error.hpp"

namespace {

void send_with_fds(int sock, const std::uint8_t* data, std::size_t size, int nfds) {
    int fds[3];
    for (int i = 0; i < nfds; ++i) fds[i] = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    char empty = 0;
    struct iovec iov {size ? const_cast<std::uint8_t*>(data) : reinterpret_cast<std::uint8_t*>(&empty), size};
    struct msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    if (nfds > 0) {
        mh.msg_control = control;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        std::memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
    (void)::sendmsg(sock, &mh, MSG_NOSIGNAL);
    for (int i = 0; i < nfds; ++i) ::close(fds[i]);
}

int open_fd_count() {
    int n = 0;
    for (int fd = 0; fd < 1024; ++fd)
        if (::fcntl(fd, F_GETFD) >= 0) ++n;
    return n;
}

void fuzz_sync_record(const std::uint8_t* data, std::size_t size, int nfds) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return;
    send_with_fds(sv[1], data, size, nfds);
    ::close(sv[1]);
    try {
        ocirun::linux_init::SyncMsg msg{};
        std::string text;
        int fd = -1;
        if (ocirun::linux_init::recv_msg(sv[0], msg, text, &fd) && fd >= 0) ::close(fd);
    } catch (const ocirun::Error&) {
    }
    ::close(sv[0]);
}

void fuzz_console_master(const std::uint8_t* data, std::size_t size, int nfds) {
    ocirun::container::ForegroundConsole console;
    send_with_fds(console.sender(), data, size, nfds);
    try {
        ocirun::UniqueFd master = console.receive_master("fuzz");
    } catch (const ocirun::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 4096) return 0;
    const int before = open_fd_count();
    const bool console = data[0] & 1;
    const int nfds = (data[0] >> 1) & 3;
    if (console) {
        fuzz_console_master(data + 1, size - 1, nfds);
    } else {
        fuzz_sync_record(data + 1, size - 1, nfds);
    }
    const int after = open_fd_count();
    if (after != before) {
        std::fprintf(stderr, "fd leak: %d open before, %d after\n", before, after);
        std::abort();
    }
    return 0;
}
