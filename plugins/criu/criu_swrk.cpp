#include "criu_swrk.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <ocirun/error.hpp>

namespace ocirun::criu {
namespace {

constexpr int kSwrkFd = 3;             // CRIU's end of the socket, as `criu swrk 3` is told
constexpr int kFirstPassedFd = 4;      // then the inherited fds
constexpr std::size_t kMaxMessage = 10 * 4096;
constexpr std::size_t kMaxFdsPerMessage = 16;

// The lines of CRIU's log that say what went wrong ("Error (criu/...): ..."), the last few.
std::string log_errors(const std::string& log_path) {
    std::ifstream in(log_path);
    std::vector<std::string> errors;
    for (std::string line; std::getline(in, line);)
        if (line.find("Error (") != std::string::npos) errors.push_back(line);
    std::string out;
    const std::size_t first = errors.size() > 3 ? errors.size() - 3 : 0;
    for (std::size_t i = first; i < errors.size(); ++i) out += "\n" + errors[i];
    return out;
}

// A close-on-exec copy above every fd the child will place, so that dup2 in the child never
// overwrites a source it still needs.
int high_copy(int fd) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 64);
    if (copy < 0) throw sys_error("criu: dup fd " + std::to_string(fd));
    return copy;
}

}  // namespace

std::string request_type_name(criu_req_type type) { return criu_req_type_Name(type); }

SwrkSession::SwrkSession(const std::string& criu_binary, const std::vector<int>& passed) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) throw sys_error("criu: socketpair");
    std::vector<int> sources{high_copy(pair[1])};
    ::close(pair[1]);
    for (int fd : passed) sources.push_back(high_copy(fd));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        for (int fd : sources) ::close(fd);
        ::close(pair[0]);
        throw Error(std::string("criu: fork: ") + std::strerror(err));
    }
    if (pid == 0) {
        // Child: only async-signal-safe calls until execv.
        for (std::size_t i = 0; i < sources.size(); ++i)
            if (::dup2(sources[i], kSwrkFd + static_cast<int>(i)) < 0) ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);  // CRIU must see its signals
        const char* argv[] = {criu_binary.c_str(), "swrk", "3", nullptr};
        ::execv(criu_binary.c_str(), const_cast<char* const*>(argv));
        ::_exit(127);
    }
    for (int fd : sources) ::close(fd);
    pid_ = pid;
    socket_ = pair[0];
    (void)kFirstPassedFd;
}

SwrkSession::~SwrkSession() {
    if (pid_ > 0) finish();
}

int SwrkSession::finish() {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    int status = 0;
    if (pid_ > 0)
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    pid_ = -1;
    return status;
}

void SwrkSession::send(const criu_req& request) {
    std::string data;
    if (!request.SerializeToString(&data)) throw Error("criu: cannot serialize the request");
    ssize_t n;
    while ((n = ::send(socket_, data.data(), data.size(), MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    if (n < 0) throw sys_error("criu: send the request to criu swrk");
}

criu_resp SwrkSession::receive(std::vector<int>& fds) {
    std::string buffer(kMaxMessage, '\0');
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
    iovec iov{buffer.data(), buffer.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n;
    while ((n = ::recvmsg(socket_, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    if (n < 0) throw sys_error("criu: receive from criu swrk");
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            fds.push_back(fd);
        }
    }
    if (n == 0) throw Error("criu: criu swrk closed the connection without an answer (did it crash?)");
    if (static_cast<std::size_t>(n) == buffer.size()) throw Error("criu: criu swrk's answer is too large");
    criu_resp resp;
    if (!resp.ParseFromArray(buffer.data(), static_cast<int>(n))) throw Error("criu: cannot parse criu swrk's answer");
    return resp;
}

criu_resp SwrkSession::exchange(const criu_req& request, const NotifyHandler& on_notify, const std::string& log_path) {
    send(request);
    for (;;) {
        std::vector<int> fds;
        criu_resp resp = receive(fds);
        if (!resp.success()) {
            for (int fd : fds) ::close(fd);
            std::string text = "criu failed: type " + request_type_name(request.type()) + " errno " +
                               std::to_string(resp.cr_errno());
            if (resp.has_cr_errmsg() && !resp.cr_errmsg().empty()) text += " (" + resp.cr_errmsg() + ")";
            if (!log_path.empty()) text += "\nlog file: " + log_path + log_errors(log_path);
            throw Error(text);
        }
        if (resp.type() != NOTIFY) {
            for (int fd : fds) ::close(fd);
            return resp;
        }
        Notification note{resp.notify().script(), resp.notify().pid(), std::move(fds)};
        try {
            if (on_notify) on_notify(note);
        } catch (...) {
            for (int fd : note.fds) ::close(fd);
            throw;
        }
        for (int fd : note.fds) ::close(fd);
        criu_req ack;
        ack.set_type(NOTIFY);
        ack.set_notify_success(true);
        send(ack);
    }
}

}  // namespace ocirun::criu
