// OCI hooks (config.json `hooks`): running one hook and a list of them, with runc's semantics
// and error texts. Used from both sides of a container's start: the runtime (prestart,
// createRuntime, poststart, poststop) and the container's init (createContainer, startContainer),
// which calls these in its cloned child, so nothing here depends on runtime-only state. Here in
// util so that both core/container and core/linux use it (layering: container -> linux -> util).
//
// A hook is fork+execve of `path` with `args` as argv (argv[0] as given; {path} when args is
// empty), `env` as its whole environment (the runtime's own environment when env is empty, as runc
// does for an absent env), the state JSON on stdin, stdout and stderr captured (runc puts them in
// the error text), and `timeout` seconds after which its process group is SIGKILLed.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::hooks {

// The runtime-spec state a hook reads on stdin. `pid` 0 is left out (a stopped container).
struct HookState {
    std::string id;
    std::string status;  // "creating", "created", "running", "stopped"
    pid_t pid = 0;
    std::string bundle;
    std::map<std::string, std::string> annotations;
};

// {"ociVersion","id","status","pid","bundle","annotations"} in that order, Go-escaped, no
// newline: what runc writes (ociVersion is the runtime's spec version, like runc's).
std::string hook_state_json(const HookState& state);

struct HookRunOptions {
    std::string cwd;  // the hook's working directory; empty = the caller's
};

// Runs one hook to completion. Throws ocirun::Error with runc's text on failure:
//   "fork/exec PATH: no such file or directory"
//   "error running hook: exit status 3, stdout: ..., stderr: ..."
//   "hook ran past specified timeout of 1.0s"
void run_hook(const spec::Hook& hook, const std::string& state_json, const HookRunOptions& options = {});

// Runs `hooks` in order; the first failure stops the list and is thrown as
// "error running hook #N: <run_hook's text>".
void run_hooks(const std::vector<spec::Hook>& hooks, const HookState& state,
               const HookRunOptions& options = {});

// Runs every hook even when some fail, returning one "error running hook #N: ..." text per
// failure (poststop: the runtime only warns, and the remaining hooks still run).
std::vector<std::string> run_hooks_collecting_errors(const std::vector<spec::Hook>& hooks,
                                                     const HookState& state,
                                                     const HookRunOptions& options = {});

}  // namespace ocirun::hooks
