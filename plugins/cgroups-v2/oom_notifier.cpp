#include "oom_notifier.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {

int open_v2_oom_inotify(const std::string& dir) {
    const std::string events = dir + "/memory.events";
    std::error_code ec;
    if (!std::filesystem::exists(events, ec)) return -1;
    int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0) throw sys_error("inotify_init1 for " + events);
    if (::inotify_add_watch(fd, events.c_str(), IN_MODIFY) < 0) {
        int err = errno;
        ::close(fd);
        throw sys_error("inotify_add_watch " + events, err);
    }
    return fd;
}

}  // namespace ocirun::cgroups::v2
