// core/container/seccomp_agent: the listener fd and the container process state reach a real agent
// process (tests/seccomp-agent) over listenerPath, and the agent answers a notified syscall.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "container/seccomp_agent.hpp"
#include "linux/syscall_filter_install.hpp"
#include "seccomp_test_support.hpp"
#include "util/unique_fd.hpp"

using namespace seccomp_test;
using ocirun::container::SeccompAgentState;
using ocirun::container::seccomp_agent_state_json;
using ocirun::container::send_to_seccomp_agent;

namespace {

#ifdef OCIRUN_TEST_SECCOMP_AGENT
constexpr const char* kAgent = OCIRUN_TEST_SECCOMP_AGENT;
#else
constexpr const char* kAgent = "";
#endif

// Reads from fd until `stop` appears or 10 s pass.
std::string read_until(int fd, const std::string& stop) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (out.find(stop) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, 200) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

// waitpid with a deadline; kills the process when it does not end in time.
int wait_or_kill(pid_t pid, int seconds) {
    int status = 0;
    for (int i = 0; i < seconds * 10; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return status;
}

}  // namespace

TEST(SeccompAgent, StateJsonFollowsTheRuntimeSpec) {
    SeccompAgentState s;
    s.pid = 1234;
    s.metadata = "MKNOD=/dev/null";
    s.id = "c1";
    s.status = "creating";
    s.init_pid = 1234;
    s.bundle = "/bundles/c1";
    s.annotations = {{"a", "b"}};
    const auto v = boost::json::parse(seccomp_agent_state_json(s)).as_object();
    EXPECT_EQ(v.at("ociVersion").as_string(), ocirun::spec::kSpecVersion);
    EXPECT_EQ(v.at("fds"), (boost::json::array{"seccompFd"}));
    EXPECT_EQ(v.at("pid").to_number<int>(), 1234);
    EXPECT_EQ(v.at("metadata").as_string(), "MKNOD=/dev/null");
    const auto& st = v.at("state").as_object();
    EXPECT_EQ(st.at("id").as_string(), "c1");
    EXPECT_EQ(st.at("status").as_string(), "creating");
    EXPECT_EQ(st.at("pid").to_number<int>(), 1234);
    EXPECT_EQ(st.at("bundle").as_string(), "/bundles/c1");
    EXPECT_EQ(st.at("annotations").at("a").as_string(), "b");

    s.metadata.clear();
    s.annotations.clear();
    const auto bare = boost::json::parse(seccomp_agent_state_json(s)).as_object();
    EXPECT_FALSE(bare.contains("metadata"));  // omitempty, like runc
    EXPECT_FALSE(bare.at("state").as_object().contains("annotations"));
}

TEST(SeccompAgent, UnreachableAgentIsAnErrorNamingThePath) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    try {
        send_to_seccomp_agent("/nonexistent/ocirun-agent.sock", "{}", fd);
        ADD_FAILURE() << "no error";
    } catch (const ocirun::Error& e) {
        // runc's text, which names the path.
        EXPECT_EQ(std::string(e.what()),
                  "failed to connect with seccomp agent specified in the seccomp profile: dial unix "
                  "/nonexistent/ocirun-agent.sock: connect: no such file or directory");
    }
    EXPECT_THROW(send_to_seccomp_agent("/" + std::string(200, 'x'), "{}", fd), ocirun::Error);
    ::close(fd);
}

TEST(SeccompAgent, AgentReceivesStateAndFdAndAnswers) {
    SECCOMP_REQUIRE_PLUGIN(p);
    if (!std::filesystem::exists(kAgent)) GTEST_SKIP() << "test agent not built: " << kAgent;

    char dir_template[] = "/tmp/ocirun-seccomp-agent-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    const std::string sock_path = dir + "/agent.sock";
    struct Cleanup {
        std::string dir;
        ~Cleanup() { std::filesystem::remove_all(dir); }
    } cleanup{dir};

    // The agent, with its stdout on a pipe.
    int out[2];
    ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
    ocirun::UniqueFd agent_out(out[0]);
    const pid_t agent = ::fork();
    ASSERT_GE(agent, 0);
    if (agent == 0) {
        ::dup2(out[1], 1);
        ::execl(kAgent, kAgent, sock_path.c_str(), "4343", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string agent_text = read_until(agent_out.get(), "ready\n");
    if (agent_text.find("ready\n") == std::string::npos) {
        wait_or_kill(agent, 0);
        FAIL() << "agent did not start: " << agent_text;
    }

    // The "container": loads a filter notifying getppid and hands us the listener.
    auto s = profile("SCMP_ACT_ALLOW", {rule({"getppid"}, "SCMP_ACT_NOTIFY")});
    s.listenerPath = sock_path;
    s.listenerMetadata = "agent-test-metadata";
    const auto f = p->compile(s);
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
            if (listener < 0 || !send_fd(child_end.get(), listener)) ::_exit(10);
            ::close(listener);
            code = ::syscall(SYS_getppid) == 4343 ? 0 : 11;
        } catch (...) {
            code = 12;
        }
        ::_exit(code);
    }
    child_end.reset();
    ocirun::UniqueFd listener(recv_fd(parent_end.get()));
    ASSERT_TRUE(listener);

    SeccompAgentState state;
    state.pid = child;
    state.metadata = f.listener_metadata;
    state.id = "agent-test";
    state.status = "creating";
    state.init_pid = child;
    state.bundle = dir;
    const std::string json = seccomp_agent_state_json(state);
    EXPECT_NO_THROW(send_to_seccomp_agent(f.listener_path, json, listener.get()));
    listener.reset();  // the agent holds the only listener now

    const int child_status = wait_or_kill(child, 15);
    EXPECT_TRUE(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0) << describe_status(child_status);
    const int agent_status = wait_or_kill(agent, 15);
    agent_text += read_until(agent_out.get(), "answered");
    EXPECT_TRUE(WIFEXITED(agent_status) && WEXITSTATUS(agent_status) == 0) << describe_status(agent_status);
    EXPECT_NE(agent_text.find("state " + json), std::string::npos) << agent_text;
    EXPECT_NE(agent_text.find("answered " + std::to_string(SYS_getppid)), std::string::npos) << agent_text;
}
