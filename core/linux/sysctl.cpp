// linux.sysctl: each key written to /proc/sys inside the container (after pivot_root, before
// readonlyPaths makes /proc/sys read-only).
#include <fcntl.h>
#include <unistd.h>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {

void apply_sysctls(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    for (const auto& [key, value] : spec.linuxSection->sysctl) {
        const std::string where = "config.json: linux.sysctl[\"" + key + "\"]";
        if (key.empty() || key.find("..") != std::string::npos || key.find('/') == 0)
            throw Error(where + ": invalid key");
        std::string path = "/proc/sys/" + key;
        for (std::size_t i = 10; i < path.size(); ++i)
            if (path[i] == '.') path[i] = '/';
        UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) throw sys_error(where + ": open " + path);
        if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
            throw sys_error(where + ": write " + path);
    }
}

}  // namespace ocirun::linux_init
