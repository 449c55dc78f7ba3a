// Which lsm plugin applies each LSM field of a process or bundle, chosen by the field and what
// the host has enabled (PluginRegistry::lsm_for), never by a plugin's name; validated before
// anything is created.
#pragma once

#include <string>

#include "linux/lsm_labels.hpp"
#include "ocirun/spec.hpp"
#include "plugin/registry.hpp"

namespace ocirun::container {

// The labels for `process` (and `mount_label`, linux.mountLabel, "" for exec), each validated by
// its plugin. Errors are prefixed with `origin` ("config.json: ", "exec: "). A process and
// bundle without LSM fields load no plugin.
linux_init::LsmLabels choose_lsm_labels(PluginRegistry& plugins, const spec::Process& process,
                                        const std::string& mount_label, const std::string& origin);

}  // namespace ocirun::container
