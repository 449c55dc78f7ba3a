// A locked look at one container for the cgroup operations (update, events): its state dir
// (flock held while the view lives), stored state, reopened cgroup and derived status.
#pragma once

#include <memory>
#include <string>

#include "container/container_record.hpp"
#include "ocirun/ocirun.hpp"
#include "ocirun/plugin.hpp"
#include "state/state_store.hpp"

namespace ocirun::container {

struct CgroupView {
    state::ContainerDir dir;
    state::StoredState st;
    std::unique_ptr<plugin::Cgroup> cgroup;  // nullptr: created without a cgroup driver
    Status status = Status::Stopped;
};

// Throws "container does not exist" when the state dir is gone (e.g. deleted meanwhile).
CgroupView open_cgroup_view(ContainerRecord& rec);

}  // namespace ocirun::container
