// linux.seccomp -> classic BPF, with runc's semantics. Runs in the runtime (parent) process.
#pragma once

#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"

namespace ocirun::seccomp_plugin {

// Validates and compiles the profile. Throws ocirun::Error naming the JSON path
// ("linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"").
//
// runc's rules, kept on purpose:
// - no defaultAction and no syscalls means "no filter": the result has empty `bpf`;
// - the native architecture is always in the filter, `architectures` adds to it;
// - a syscall name this libseccomp does not know is skipped (it may be newer than us);
// - a rule whose action equals defaultAction is skipped;
// - args: conditions on distinct indexes are AND-ed in one rule; if any index appears more
//   than once, every condition becomes its own rule (OR), as runc does;
// - SCMP_ACT_NOTIFY is refused as the default action and for `write` (the init needs write
//   to hand the listener to the runtime).
plugin::CompiledFilter compile_profile(const spec::LinuxSeccomp& seccomp);

}  // namespace ocirun::seccomp_plugin
