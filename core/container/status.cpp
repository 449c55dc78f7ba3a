#include "container/status.hpp"

#include <sys/stat.h>

#include "container/process_info.hpp"

namespace ocirun {

const char* to_string(Status s) {
    switch (s) {
        case Status::Creating: return "creating";
        case Status::Created: return "created";
        case Status::Running: return "running";
        case Status::Paused: return "paused";
        case Status::Stopped: return "stopped";
    }
    return "unknown";
}

namespace container {

Status derive_status(const state::StoredState& stored, const std::filesystem::path& container_dir,
                     const plugin::Cgroup* cgroup) {
    if (!container::process_is_alive(stored.init_pid, stored.init_start_time)) return Status::Stopped;
    if (cgroup != nullptr && cgroup->frozen()) return Status::Paused;
    struct stat st{};
    if (::lstat((container_dir / kExecFifoName).c_str(), &st) == 0) return Status::Created;
    return Status::Running;
}

}  // namespace container
}  // namespace ocirun
