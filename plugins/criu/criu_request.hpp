// ocirun's checkpoint/restore requests as CRIU RPC options (rpc.proto's criu_opts), with the
// container described to CRIU as runc describes it: bind mounts, masked files and device nodes
// as external mounts, namespaces joined by path as external namespaces.
#pragma once

#include <ocirun/plugin.hpp>

#include "rpc.pb.h"

namespace ocirun::criu {

// CRIU's version as one number, major*10000 + minor*100 + sublevel (3.17.1 = 31701).
constexpr int kMinimumCriuVersion = 30000;        // the VERSION request came with 3.0
constexpr int kCgroupV2FreezerVersion = 31400;    // freeze_cgroup on a cgroup2 dir
constexpr int kExternalNetNsVersion = 31100;
constexpr int kExternalPidNsVersion = 31500;
constexpr int kLsmProfileVersion = 31600;

// Fills the DUMP/PRE_DUMP options that depend on the request only (no fds). Throws
// ocirun::Error naming the flag for what cannot be expressed.
void fill_dump_options(const plugin::CheckpointRequest& request, int criu_version, criu_opts& opts);
// Same for RESTORE. `passed_fds` receives the fds CRIU must inherit (an external namespace);
// their inherit_fd numbers are 4 + their index, as SwrkSession places them.
void fill_restore_options(const plugin::RestoreRequest& request, int criu_version, criu_opts& opts,
                          std::vector<int>& passed_fds);

// "soft" -> SOFT ...; throws for anything else.
criu_cg_mode cgroups_mode(const std::string& name);
// --empty-ns names -> CLONE_* bits; throws naming an unknown one.
unsigned empty_namespace_flags(const std::vector<std::string>& names);

}  // namespace ocirun::criu
