// Passing fds over a unix socket (SCM_RIGHTS): the one sendmsg/recvmsg pair behind the sync
// channel (sync.cpp), the pty master hand-over (console.cpp, container/console_socket.cpp) and
// the seccomp listener hand-over to an agent (container/seccomp_agent.cpp).
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <vector>

#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

// One sendmsg of `iov` with `pass_fd` in SCM_RIGHTS (none when pass_fd < 0), MSG_NOSIGNAL,
// retried on EINTR. Returns the bytes sent, or -1 with errno set (the caller names the channel).
ssize_t send_with_fd(int socket_fd, const struct iovec* iov, std::size_t iov_count, int pass_fd);

// Most fds a receive makes room for: more than any sender of ours passes, so a peer sending
// extras has them installed here, and closed, rather than dropped by the kernel unseen.
inline constexpr std::size_t kMaxReceivedFds = 4;

// One recvmsg into `iov` (MSG_CMSG_CLOEXEC, no retry: the caller decides which errors to retry).
// Every fd the kernel installed lands in `fds`, owned, so a caller that rejects the message
// closes them all by dropping the vector. Returns recvmsg's result (-1 with errno set).
ssize_t receive_with_fds(int socket_fd, struct iovec* iov, std::size_t iov_count, std::vector<UniqueFd>& fds);

}  // namespace ocirun::linux_init
