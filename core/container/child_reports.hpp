// The parent's side of the sync protocol (linux/container_init.hpp) while its child sets up:
// reading the child's reports until kReady. One loop for the container's init (create,
// init_launcher.cpp) and the process `exec` starts (exec.cpp); what differs between the two
// comes in as a handler.
#pragma once

#include <functional>
#include <string>

#include "container/seccomp_agent.hpp"
#include "linux/container_init.hpp"
#include "ocirun/plugin.hpp"

namespace ocirun::container {

struct ChildReports {
    std::string sender;  // names the child in errors: "container init", "exec: the process"
    // The filter the child loads: a listener it sends (kNotifyFd) goes to this filter's agent,
    // with the state agent_state() gives at that moment.
    const plugin::CompiledFilter* seccomp = nullptr;
    std::function<SeccompAgentState()> agent_state;
    // Every other report (create: kRunHooks; exec: kExecPid); returns false for a message it
    // does not know.
    std::function<bool(linux_init::SyncMsg, const std::string& text)> on_report;
};

// Returns when the child sent kReady. Throws "SENDER exited before it was ready" at EOF, the
// child's own text at kError ("SENDER failed without a message" when empty), "SENDER sent an
// unknown sync message N", or what a handler throws.
void read_child_reports_until_ready(int sync_fd, const ChildReports& reports);

}  // namespace ocirun::container
