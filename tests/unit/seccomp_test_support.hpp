// Helpers shared by the seccomp unit tests: load the seccomp plugin, build profiles in C++, run
// a body in a forked child (where filters are loaded for real), pass fds over a socketpair.
#pragma once

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"

namespace seccomp_test {

#ifdef OCIRUN_TEST_SECCOMP_PLUGIN
inline constexpr const char* kPluginFile = OCIRUN_TEST_SECCOMP_PLUGIN;
#else
inline constexpr const char* kPluginFile = "";
#endif

// The plugin, dlopened once per test binary; nullptr (and `why` set) when it was not built.
inline ocirun::plugin::SyscallFilter* plugin(std::string* why = nullptr) {
    static boost::dll::shared_library library;
    static std::unique_ptr<ocirun::plugin::Plugin> instance;
    static std::string error;
    if (!instance && error.empty()) {
        if (!*kPluginFile || !std::filesystem::exists(kPluginFile)) {
            error = std::string("seccomp plugin not built (OCIRUN_PLUGIN_SECCOMP=OFF?): ") + kPluginFile;
        } else {
            library.load(kPluginFile);
            auto create = library.get_alias<ocirun::plugin::Plugin*()>("ocirun_plugin_create");
            instance.reset(create());
        }
    }
    if (why) *why = error;
    return dynamic_cast<ocirun::plugin::SyscallFilter*>(instance.get());
}

// What a strict test profile (default deny) must still allow for the test child to finish:
// exit itself, plus, in sanitizer builds, the syscalls the ASan/UBSan runtime makes on the way
// (sigaltstack, gettid, mmap, write ...). Without them the runtime aborts with exit 1 and the
// test would measure the sanitizer, not the filter. None of the syscalls the tests probe is here.
inline std::vector<std::string> exit_syscalls() {
    std::vector<std::string> names{"exit", "exit_group"};
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
    for (const char* n : {"sigaltstack", "gettid", "getpid", "write", "mmap", "munmap", "mprotect",
                          "madvise", "rt_sigprocmask", "rt_sigaction", "sched_yield", "prctl",
                          "readlink", "open", "openat", "read", "close", "fstat", "newfstatat"})
        names.emplace_back(n);
#endif
    return names;
}

inline ocirun::spec::LinuxSyscall rule(std::vector<std::string> names, std::string action,
                                       std::optional<std::uint32_t> errno_ret = std::nullopt,
                                       std::vector<ocirun::spec::LinuxSeccompArg> args = {}) {
    ocirun::spec::LinuxSyscall r;
    r.names = std::move(names);
    r.action = std::move(action);
    r.errnoRet = errno_ret;
    r.args = std::move(args);
    return r;
}

inline ocirun::spec::LinuxSeccompArg arg(std::uint32_t index, std::string op, std::uint64_t value,
                                         std::uint64_t value_two = 0) {
    return {index, value, value_two, std::move(op)};
}

inline ocirun::spec::LinuxSeccomp profile(std::string default_action,
                                          std::vector<ocirun::spec::LinuxSyscall> syscalls) {
    ocirun::spec::LinuxSeccomp s;
    s.defaultAction = std::move(default_action);
    s.syscalls = std::move(syscalls);
    return s;
}

// Runs body() in a forked child and returns the raw wait status. The child _exits with body's
// result (100 when it threw); no gtest macro may run in the child.
inline int run_in_child(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int rc = 100;
        try {
            ::alarm(20);  // a hung child must not hang the suite
            rc = body();
        } catch (...) {
        }
        ::_exit(rc);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

inline std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by ") + ::strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

inline bool send_fd(int sock, int fd) {
    char byte = 'F';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return ::sendmsg(sock, &msg, MSG_NOSIGNAL) == 1;
}

inline int recv_fd(int sock) {
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1) return -1;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

}  // namespace seccomp_test

// Loads the plugin or skips the test saying why.
#define SECCOMP_REQUIRE_PLUGIN(var)                                   \
    std::string seccomp_why_;                                         \
    auto* var = ::seccomp_test::plugin(&seccomp_why_);                \
    if (!var) GTEST_SKIP() << seccomp_why_
