// process.terminal: the pty master arrives over --console-socket (one message, one fd), and the
// container's stdio is the pty slave with process.consoleSize applied and /dev/console bound to it.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;

namespace {

// Receives one message with an fd; returns the fd (or -1) and the payload in `name`.
int receive_master(int listen_fd, std::string& name) {
    struct pollfd p {listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return -1;
    int conn = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return -1;
    char buf[256];
    struct iovec iov {buf, sizeof buf};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    struct msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    ::close(conn);
    if (n < 0) return -1;
    name.assign(buf, static_cast<std::size_t>(n));
    struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

}  // namespace

TEST(InitTerminal, MasterSentOverConsoleSocketAndSlaveIsStdio) {
    it::TempDir dir("ocirun-it-console");
    const std::string socket_path = (dir.path() / "console.sock").string();
    int listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listen_fd, 0);
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listen_fd, 1), 0);

    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.config().at("process").as_object()["consoleSize"] = json::object{{"height", 33}, {"width", 99}};
    bundle.set_args({"sh", "-c", "tty; stty size; test -c /dev/console && echo console; echo done"});
    const auto id = it::unique_id("int-tty");
    auto r = ocirun({"create", "--bundle", bundle.path().string(), "--console-socket", socket_path, id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // create connected and sent while we were not accepting: the connection waits in the backlog.
    std::string name;
    const int master = receive_master(listen_fd, name);
    ::close(listen_fd);
    ASSERT_GE(master, 0) << "no fd received over --console-socket";
    EXPECT_EQ(name.rfind("/dev/pts/", 0), 0u) << name;

    r = ocirun({"start", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::string out;
    char buf[512];
    for (;;) {
        struct pollfd p {master, POLLIN, 0};
        if (::poll(&p, 1, 10000) != 1) break;
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the slave side is closed
        out.append(buf, static_cast<std::size_t>(n));
        if (out.find("done") != std::string::npos) break;
    }
    ::close(master);
    EXPECT_NE(out.find("/dev/pts/0"), std::string::npos) << out;
    EXPECT_NE(out.find("33 99"), std::string::npos) << out;
    EXPECT_NE(out.find("console"), std::string::npos) << out;
    EXPECT_TRUE(it::eventually([&] {
        return ocirun({"state", id}).out.find("\"stopped\"") != std::string::npos;
    }));
    ocirun({"delete", "--force", id});
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
}
