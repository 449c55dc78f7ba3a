// Handing a seccomp listener fd to a seccomp agent (linux.seccomp.listenerPath), the protocol
// runc uses and runtime-spec describes (config-linux.md, "ContainerProcessState"): connect to
// the AF_UNIX SOCK_STREAM socket at listenerPath, send one message whose payload is the state
// JSON and whose SCM_RIGHTS carries the listener fd, close. Parent (runtime) side, for the init (create) and an exec'd process alike; no libseccomp.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "ocirun/plugin.hpp"

namespace ocirun::container {

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

// A child (`sender`: "container init", "exec: the process") sent its seccomp listener
// (kNotifyFd): pass it to the agent at filter->listenerPath with `state` (its metadata taken
// from the filter). Throws "SENDER sent a seccomp listener ..." when no fd came or the
// container's filter names no agent.
void hand_listener_to_agent(const std::string& sender, const plugin::CompiledFilter* filter,
                            const SeccompAgentState& state, int listener_fd);

}  // namespace ocirun::container
