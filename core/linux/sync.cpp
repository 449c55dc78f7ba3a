// The parent/child sync channel: SOCK_SEQPACKET, one message = a SyncMsg, an optional text and
// at most one fd in SCM_RIGHTS (see container_init.hpp).
//
// The child's side uses only write()/writev() and read() for messages without an fd: after the
// container's seccomp filter is loaded, the init must not need sendmsg/sendto/recvmsg/recvfrom,
// which strict profiles leave out (a seqpacket socket takes one record per write and gives one
// per read).
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "linux/container_init.hpp"
#include "linux/fd_passing.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {

void send_msg(int fd, SyncMsg msg, const std::string& text, int pass_fd) {
    auto code = static_cast<std::uint32_t>(msg);
    struct iovec iov[2] = {{&code, sizeof code},
                           {const_cast<char*>(text.data()), text.size()}};
    if (send_with_fd(fd, iov, text.empty() ? 1 : 2, pass_fd) < 0) throw sys_error("sync socket: send");
}

void send_to_runtime(int fd, SyncMsg msg, const std::string& text) {
    auto code = static_cast<std::uint32_t>(msg);
    struct iovec iov[2] = {{&code, sizeof code},
                           {const_cast<char*>(text.data()), text.size()}};
    ssize_t n;
    do {
        n = ::writev(fd, iov, text.empty() ? 1 : 2);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw sys_error("sync socket: write");
}

namespace {

// Whether a receive should simply be tried again. ECONNRESET: the peer closed its end with a
// message of ours still unread in its queue (an init that fails right after the runtime sent
// kCgroupReady). The kernel reports that error once, before the records still queued for us,
// so the next receive returns the peer's last message (its kError) or EOF.
bool retry_receive(ssize_t result) { return result < 0 && (errno == EINTR || errno == ECONNRESET); }

// A record is a 32-bit SyncMsg code followed by its text.
void decode_record(const char* data, std::size_t size, SyncMsg& msg, std::string& text) {
    if (size < sizeof(std::uint32_t))
        throw Error("sync socket: short message (" + std::to_string(size) + " bytes)");
    std::uint32_t code;
    std::memcpy(&code, data, sizeof code);
    msg = static_cast<SyncMsg>(code);
    text.assign(data + sizeof code, size - sizeof code);
}

}  // namespace

bool recv_msg(int fd, SyncMsg& msg, std::string& text, int* received_fd) {
    if (received_fd) *received_fd = -1;
    // Learn the message size first (MSG_TRUNC reports a datagram's real length).
    char probe;
    ssize_t size;
    do {
        size = ::recv(fd, &probe, 1, MSG_PEEK | MSG_TRUNC);
    } while (retry_receive(size));
    if (size < 0) throw sys_error("sync socket: receive");
    if (size == 0) {
        // Seqpacket EOF and an empty datagram look alike; a real message is never empty.
        return false;
    }
    std::vector<char> buf(static_cast<std::size_t>(size));
    struct iovec iov {buf.data(), buf.size()};
    // Held here until the record decoded: a malformed record must not leak an fd with it.
    std::vector<UniqueFd> fds;
    ssize_t n;
    do {
        n = receive_with_fds(fd, &iov, 1, fds);
    } while (retry_receive(n));
    if (n < 0) throw sys_error("sync socket: receive");
    if (n == 0) return false;
    decode_record(buf.data(), static_cast<std::size_t>(n), msg, text);
    // The protocol carries one fd: the first is the caller's (when it asked), extras are closed.
    if (received_fd && !fds.empty()) *received_fd = fds.front().release();
    return true;
}

namespace {

// One record with read(): for the runtime's messages that carry no fd (their texts are short:
// a saved cgroup form at most). Returns false on EOF.
bool read_msg(int fd, SyncMsg& msg, std::string& text) {
    std::vector<char> buf(64 * 1024);
    ssize_t n;
    do {
        n = ::read(fd, buf.data(), buf.size());
    } while (retry_receive(n));
    if (n < 0) throw sys_error("sync socket: read");
    if (n == 0) return false;
    if (static_cast<std::size_t>(n) == buf.size()) throw Error("sync socket: message too long");
    decode_record(buf.data(), static_cast<std::size_t>(n), msg, text);
    return true;
}

}  // namespace

std::string expect_from_runtime(int sync_fd, SyncMsg expected, const char* name, const char* channel,
                                UniqueFd* fd) {
    SyncMsg msg{};
    std::string text;
    int received = -1;
    const bool got = fd ? recv_msg(sync_fd, msg, text, &received) : read_msg(sync_fd, msg, text);
    if (!got) ::_exit(1);
    UniqueFd owned(received);
    if (msg != expected)
        throw Error(std::string(channel) + ": expected " + name + " from the runtime, got message " +
                    std::to_string(static_cast<unsigned>(msg)));
    if (fd) *fd = std::move(owned);
    return text;
}

}  // namespace ocirun::linux_init
