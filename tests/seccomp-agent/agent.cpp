// ocirun-test-seccomp-agent SOCKET_PATH REPLY_VALUE
//
// A minimal seccomp agent speaking runc's listenerPath protocol, for tests: it listens on
// SOCKET_PATH, prints "ready", accepts one connection, reads the container process state JSON
// (until EOF) with the listener fd in SCM_RIGHTS, checks the JSON's shape, prints
// "state <json>", then answers exactly one notified syscall with success and the value
// REPLY_VALUE and prints "answered <syscall nr>". Exit 0 on success, 2 on any failure.
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "seccomp-agent: %s: %s\n", what.c_str(), errno ? std::strerror(errno) : "");
    std::exit(2);
}

int listen_on(const char* path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    ::unlink(path);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) fail("bind");
    if (::listen(fd, 1) < 0) fail("listen");
    return fd;
}

// Reads the whole message until the runtime closes; returns the SCM_RIGHTS fd.
int receive_state(int conn, std::string& json) {
    int received = -1;
    for (;;) {
        char buf[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("recvmsg");
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                std::memcpy(&received, CMSG_DATA(c), sizeof received);
        if (n == 0) break;
        json.append(buf, static_cast<std::size_t>(n));
    }
    if (received < 0) fail("no fd in SCM_RIGHTS");
    return received;
}

void check_state(const std::string& json) {
    errno = 0;
    boost::system::error_code ec;
    const auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object()) fail("state is not a JSON object: " + json);
    const auto& o = v.as_object();
    const auto* fds = o.if_contains("fds");
    if (!fds || !fds->is_array() || fds->as_array().size() != 1 ||
        fds->as_array()[0] != "seccompFd")
        fail("fds is not [\"seccompFd\"]: " + json);
    for (const char* key : {"ociVersion", "pid", "state"})
        if (!o.contains(key)) fail(std::string("missing ") + key + ": " + json);
    if (!o.at("state").is_object() || !o.at("state").as_object().contains("id"))
        fail("state.id missing: " + json);
}

void answer_one(int listener, long long value) {
    seccomp_notif req{};
    while (::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        if (errno != EINTR) fail("SECCOMP_IOCTL_NOTIF_RECV");
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.val = value;
    resp.error = 0;
    if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) fail("SECCOMP_IOCTL_NOTIF_SEND");
    std::printf("answered %d\n", req.data.nr);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SOCKET_PATH REPLY_VALUE\n", argv[0]);
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const int server = listen_on(argv[1]);
    std::printf("ready\n");
    const int conn = ::accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) fail("accept");
    std::string json;
    const int listener = receive_state(conn, json);
    check_state(json);
    std::printf("state %s\n", json.c_str());
    answer_one(listener, std::atoll(argv[2]));
    return 0;
}
