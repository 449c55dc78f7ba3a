#include "kill_all.hpp"

#include <signal.h>

#include <cerrno>
#include <cstring>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

void freeze_signal_thaw(plugin::Cgroup& cgroup, int signal, bool can_freeze) {
    if (can_freeze) cgroup.freeze();
    std::string failures;
    try {
        for (pid_t pid : cgroup.pids()) {
            if (::kill(pid, signal) != 0 && errno != ESRCH)
                failures += " " + std::to_string(pid) + " (" + std::strerror(errno) + ")";
        }
    } catch (...) {
        if (can_freeze) cgroup.thaw();
        throw;
    }
    if (can_freeze) cgroup.thaw();
    if (!failures.empty()) throw Error("kill --all: could not signal" + failures);
}

}  // namespace ocirun::cgroups
