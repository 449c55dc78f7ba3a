// Compiling linux.seccomp through the syscall-filter plugin, shared by create and exec.
#pragma once

#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"

namespace ocirun {

class PluginRegistry;

// Loads the plugin (lazily, "needed by linux.seccomp"), compiles the profile before clone, and
// prefixes errors with "config.json: ". Names the filter library does not know are skipped, as
// runc does, and logged at debug level.
plugin::CompiledFilter compile_syscall_filter(PluginRegistry& plugins, const spec::LinuxSeccomp& seccomp);

}  // namespace ocirun
