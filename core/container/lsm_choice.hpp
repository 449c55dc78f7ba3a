// Which lsm plugin applies each LSM field of a process or bundle, chosen by the field and what
// the host has enabled (PluginRegistry::lsm_for), never by a plugin's name; validated before
// anything is created. The same choice validates restore's --lsm-profile / --lsm-mount-context.
#pragma once

#include <map>
#include <string>

#include "linux/lsm_labels.hpp"
#include "ocirun/spec.hpp"
#include "plugin/registry.hpp"

namespace ocirun::container {

// Annotations whose key starts with this are LSM fields too, for LSMs the runtime spec has no
// field for (a Landlock plugin serves annotations["io.github.ocirun.lsm.landlock"]): the field
// name is `annotations["KEY"]`, applied like process.apparmorProfile (docs/plugins.md).
inline constexpr const char* kLsmAnnotationPrefix = "io.github.ocirun.lsm.";

// The labels for `process` (and `mount_label`, linux.mountLabel, "" for exec) and for the
// bundle's LSM annotations (see above; exec passes the container's), each validated by its
// plugin. Errors are prefixed with `origin` ("config.json: ", "exec: "). A process and bundle
// without LSM fields load no plugin.
linux_init::LsmLabels choose_lsm_labels(PluginRegistry& plugins, const spec::Process& process,
                                        const std::string& mount_label,
                                        const std::map<std::string, std::string>& annotations,
                                        const std::string& origin);

// restore --lsm-profile TYPE:NAME and --lsm-mount-context CONTEXT (each "" when not given),
// before anything is restored: NAME is validated as the field TYPE names (apparmor:
// process.apparmorProfile, selinux: process.selinuxLabel), CONTEXT as linux.mountLabel, each by
// the plugin create would choose for that field. Errors name the flag ("restore: --lsm-profile
// ...: "). TYPE "none" (the checkpointer keeps the dumped labels) needs no plugin.
void check_restore_lsm_flags(PluginRegistry& plugins, const std::string& lsm_profile,
                             const std::string& lsm_mount_context);

}  // namespace ocirun::container
