// SECCOMP_FILTER_FLAG_TSYNC: a filter loaded with it applies to every thread of the process,
// one loaded without it only to the loading thread. A container's init is single-threaded when
// it loads the filter (so no container-level test could tell the difference); this checks the
// mechanism itself: the plugin's flag reaches seccomp(2) through the core's loader.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "linux/syscall_filter_install.hpp"
#include "seccomp_test_support.hpp"

using namespace seccomp_test;

namespace {

constexpr int kDeniedErrno = 77;

// In a forked child: start a thread, let it wait until the main thread has loaded the filter,
// then have the thread call getppid. Exit code: 1 = the thread was filtered, 2 = it was not,
// 90 = loading failed.
int other_thread_filtered(const ocirun::plugin::CompiledFilter& filter) {
    int go[2];
    if (::pipe(go) != 0) return 91;
    long result = 0;
    std::thread other([&] {
        char byte;
        while (::read(go[0], &byte, 1) < 0 && errno == EINTR) {
        }
        result = ::syscall(SYS_getppid) < 0 ? -errno : 0;
    });
    int rc = 0;
    try {
        ocirun::linux_init::install_syscall_filter(filter);
    } catch (...) {
        rc = 90;
    }
    const char byte = 'g';
    (void)!::write(go[1], &byte, 1);
    other.join();
    if (rc) return rc;
    return result == -kDeniedErrno ? 1 : 2;
}

ocirun::plugin::CompiledFilter compile(ocirun::plugin::SyscallFilter& p, bool tsync) {
    auto s = profile("SCMP_ACT_ALLOW", {rule({"getppid"}, "SCMP_ACT_ERRNO", kDeniedErrno)});
    if (tsync) s.flags = {"SECCOMP_FILTER_FLAG_TSYNC"};
    return p.compile(s);
}

TEST(SeccompTsync, FilterReachesEveryThreadOnlyWithTsync) {
    SECCOMP_REQUIRE_PLUGIN(p);
    const auto with = compile(*p, true);
    ASSERT_TRUE(with.flags & SECCOMP_FILTER_FLAG_TSYNC);
    const int with_status = run_in_child([&] { return other_thread_filtered(with); });
    EXPECT_TRUE(WIFEXITED(with_status) && WEXITSTATUS(with_status) == 1)
        << "with TSYNC the other thread must be filtered: " << describe_status(with_status);

    // The control: without TSYNC the same check sees the other thread unfiltered, so the test
    // above measures the flag and not something else.
    const auto without = compile(*p, false);
    const int without_status = run_in_child([&] { return other_thread_filtered(without); });
    EXPECT_TRUE(WIFEXITED(without_status) && WEXITSTATUS(without_status) == 2)
        << "without TSYNC only the loading thread is filtered: " << describe_status(without_status);
}

}  // namespace
