// kill --all for either driver, like runc's signalAllProcesses: freeze the cgroup so no process
// can fork a new one between listing and signalling, signal every pid, then thaw.
#pragma once

#include "ocirun/plugin.hpp"

namespace ocirun::cgroups {

// `can_freeze` false (no freezer): signal without freezing, as runc does.
void freeze_signal_thaw(plugin::Cgroup& cgroup, int signal, bool can_freeze);

}  // namespace ocirun::cgroups
