// Rootless containers: the rules runc 1.1 applies when it runs as a non-root user (or as root
// inside a user namespace), in one place. See docs/cli.md, "Rootless containers".
#pragma once

#include <optional>
#include <string>

#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"

namespace ocirun::container {

// --rootless auto: a non-root euid, or a process inside a user namespace (runc's rule).
bool rootless_by_default();
// The --rootless flag when given, else the automatic choice.
bool choose_rootless(std::optional<bool> flag);

// Refusals runc makes for a non-root runtime (euid != 0), before anything exists: the container
// needs a user namespace, and may not ask for additional groups (setgroups is not allowed to an
// unprivileged process's user namespace). Throws Error naming the field.
void check_unprivileged_spec(const spec::Spec& spec);

// runc's rootless cgroup rule: with --rootless (auto or true) and no linux.cgroupsPath, a
// container whose cgroup the user could not create gets none, unless linux.resources sets a
// limit, which is then an error naming it ("cannot set memory limit: container could not join or
// create cgroup"). Device rules are left out of that test, as runc ignores them rootless. True:
// create no cgroup. With a cgroupsPath (a subtree delegated to the user) the driver is used.
bool runs_without_cgroup(const spec::Spec& spec, const plugin::HostContext& host);

}  // namespace ocirun::container
