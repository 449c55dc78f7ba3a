#include "container/seccomp_agent.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "linux/fd_passing.hpp"
#include "ocirun/error.hpp"
#include "ocirun/spec.hpp"
#include "util/go_json.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::container {

std::string seccomp_agent_state_json(const SeccompAgentState& s) {
    boost::json::object state;
    state["ociVersion"] = spec::kSpecVersion;
    state["id"] = s.id;
    state["status"] = s.status;
    if (s.init_pid != 0) state["pid"] = s.init_pid;
    state["bundle"] = s.bundle;
    if (!s.annotations.empty()) {
        boost::json::object annotations;
        for (const auto& [k, v] : s.annotations) annotations[k] = v;
        state["annotations"] = std::move(annotations);
    }
    boost::json::object root;
    root["ociVersion"] = spec::kSpecVersion;
    root["fds"] = boost::json::array{"seccompFd"};  // names the one fd in SCM_RIGHTS
    root["pid"] = s.pid;
    if (!s.metadata.empty()) root["metadata"] = s.metadata;
    root["state"] = std::move(state);
    return gojson::serialize(root);  // always valid JSON, whatever bytes the bundle had
}

void send_to_seccomp_agent(const std::string& listener_path, const std::string& state_json_with_fds,
                           int notify_fd) {
    const std::string where = "seccomp agent at " + listener_path;
    if (notify_fd < 0) throw Error(where + ": no seccomp listener fd to send");
    if (state_json_with_fds.empty()) throw Error(where + ": empty container process state");

    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listener_path.empty() || listener_path.size() >= sizeof addr.sun_path)
        throw Error("linux.seccomp.listenerPath: \"" + listener_path + "\" is not a usable unix socket path (" +
                    std::to_string(sizeof addr.sun_path - 1) + " bytes at most)");
    std::memcpy(addr.sun_path, listener_path.data(), listener_path.size());

    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw sys_error(where + ": socket");
    int rc;
    do rc = ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        // runc's words (containerd and podman match on them), with Go's lowercase errno text.
        std::string reason = std::strerror(errno);
        if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
        throw Error("failed to connect with seccomp agent specified in the seccomp profile: dial unix " +
                    listener_path + ": connect: " + reason);
    }

    // First chunk carries the fd; on a stream socket a large state may need more sends.
    iovec iov{const_cast<char*>(state_json_with_fds.data()), state_json_with_fds.size()};
    const ssize_t sent = linux_init::send_with_fd(sock.get(), &iov, 1, notify_fd);
    if (sent < 0) throw sys_error(where + ": sendmsg");
    std::size_t done = static_cast<std::size_t>(sent);
    while (done < state_json_with_fds.size()) {
        const ssize_t n = ::send(sock.get(), state_json_with_fds.data() + done,
                                 state_json_with_fds.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw sys_error(where + ": send");
        done += static_cast<std::size_t>(n);
    }
}

void hand_listener_to_agent(const std::string& sender, const plugin::CompiledFilter* filter,
                            const SeccompAgentState& state, int listener_fd) {
    if (listener_fd < 0) throw Error(sender + " sent a seccomp listener message without an fd");
    if (!filter || filter->listener_path.empty())
        throw Error(sender + " sent a seccomp listener fd but linux.seccomp.listenerPath is not set");
    SeccompAgentState with_metadata = state;
    with_metadata.metadata = filter->listener_metadata;
    send_to_seccomp_agent(filter->listener_path, seccomp_agent_state_json(with_metadata), listener_fd);
}

}  // namespace ocirun::container
