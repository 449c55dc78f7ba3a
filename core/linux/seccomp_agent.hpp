// Handing a seccomp listener fd to a seccomp agent (linux.seccomp.listenerPath), the protocol
// runc uses and runtime-spec describes (config-linux.md, "ContainerProcessState"): connect to
// the AF_UNIX SOCK_STREAM socket at listenerPath, send one message whose payload is the state
// JSON and whose SCM_RIGHTS carries the listener fd, close. Parent (runtime) side; no libseccomp.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace ocirun::linux_init {

// runtime-spec ContainerProcessState. `state` is the container's state as `ocirun state` shows
// it: "creating" for the init, "running" for an exec'd process.
struct SeccompAgentState {
    pid_t pid = 0;              // the process the listener belongs to (host pid)
    std::string metadata;       // linux.seccomp.listenerMetadata (omitted when empty)
    std::string id;
    std::string status;         // "creating" | "running"
    pid_t init_pid = 0;         // state.pid: the container's init (omitted when 0)
    std::string bundle;
    std::map<std::string, std::string> annotations;  // omitted when empty
};

// The JSON text: {"ociVersion":..,"fds":["seccompFd"],"pid":..,"metadata":..,"state":{..}}.
std::string seccomp_agent_state_json(const SeccompAgentState& state);

// Connects to listener_path and sends state_json_with_fds with notify_fd attached (the fd stays
// open in the caller). Throws ocirun::Error naming listener_path on any failure.
void send_to_seccomp_agent(const std::string& listener_path, const std::string& state_json_with_fds,
                           int notify_fd);

}  // namespace ocirun::linux_init
