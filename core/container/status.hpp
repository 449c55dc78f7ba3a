// A container's status, derived each time from the host (runc does the same): the stored
// state only says which process and which cgroup to look at.
#pragma once

#include <filesystem>

#include "ocirun/ocirun.hpp"
#include "ocirun/plugin.hpp"
#include "state/state_store.hpp"

namespace ocirun::container {

// Order matters and follows runc: a dead (or recycled) init pid is Stopped; a frozen cgroup is
// Paused (a created container can be paused too); an exec.fifo still present means start has
// not run yet (Created); anything else is Running.
Status derive_status(const state::StoredState& stored, const std::filesystem::path& container_dir,
                     const plugin::Cgroup* cgroup);

// The exec fifo's name inside the container dir.
inline constexpr const char* kExecFifoName = "exec.fifo";

}  // namespace ocirun::container
