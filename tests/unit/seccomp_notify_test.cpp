// SCMP_ACT_NOTIFY end to end without an agent: a child loads a notifying filter, hands the
// listener fd to the test over a socketpair, and the test answers its syscalls through the
// kernel's SECCOMP_IOCTL_NOTIF_* interface.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "linux/syscall_filter_install.hpp"
#include "seccomp_test_support.hpp"
#include "util/unique_fd.hpp"

using namespace seccomp_test;

namespace {

// Receives one notification and answers it; returns the notified syscall number or -1.
int answer(int listener, long long value, int error) {
    seccomp_notif req{};
    while (::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        if (errno != EINTR) return -1;
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.val = value;
    resp.error = error;  // the kernel wants -errno here
    if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) return -1;
    return req.data.nr;
}

}  // namespace

TEST(SeccompNotify, ParentAnswersTheChildsSyscalls) {
    SECCOMP_REQUIRE_PLUGIN(p);
    auto s = profile("SCMP_ACT_ALLOW", {rule({"getppid", "mkdir"}, "SCMP_ACT_NOTIFY")});
    s.listenerPath = "/unused/in/this/test.sock";
    const auto f = p->compile(s);
    ASSERT_TRUE(f.notify);
    EXPECT_EQ(f.listener_path, s.listenerPath);

    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ocirun::UniqueFd parent_end(sv[0]), child_end(sv[1]);

    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::alarm(20);
        int code = 0;
        try {
            parent_end.reset();
            const int listener = ocirun::linux_init::install_syscall_filter(f);
            if (listener < 0) ::_exit(10);
            if (!send_fd(child_end.get(), listener)) ::_exit(11);
            ::close(listener);  // the parent's copy keeps the notifications flowing
            if (::syscall(SYS_getppid) != 4242) code = 12;
            else if (::syscall(SYS_mkdir, "/ocirun-notify-test", 0755) != -1 || errno != 42) code = 13;
        } catch (...) {
            code = 14;
        }
        ::_exit(code);
    }
    child_end.reset();
    ocirun::UniqueFd listener(recv_fd(parent_end.get()));
    ASSERT_TRUE(listener) << "no listener fd from the child";
    EXPECT_EQ(answer(listener.get(), 4242, 0), SYS_getppid);  // a fake success
    EXPECT_EQ(answer(listener.get(), 0, -42), SYS_mkdir);     // a fake errno
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << describe_status(status);
}
