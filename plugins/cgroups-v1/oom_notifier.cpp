#include "oom_notifier.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cgroup_files.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v1 {

int open_v1_oom_eventfd(const std::string& dir) {
    const std::string control = dir + "/memory.oom_control";
    int efd = ::eventfd(0, EFD_CLOEXEC);
    if (efd < 0) throw sys_error("eventfd for " + control);
    int cfd = ::open(control.c_str(), O_RDONLY | O_CLOEXEC);
    if (cfd < 0) {
        int err = errno;
        ::close(efd);
        throw sys_error("open " + control, err);
    }
    try {
        // The kernel takes what it needs at registration; the oom_control fd can be closed after.
        write_text(dir + "/cgroup.event_control", std::to_string(efd) + " " + std::to_string(cfd));
    } catch (...) {
        ::close(cfd);
        ::close(efd);
        throw;
    }
    ::close(cfd);
    return efd;
}

}  // namespace ocirun::cgroups::v1
