// The exec fifo: `create` ends with the init blocked opening it for writing; `start` opens it for
// reading, which lets the open return and the init exec. The fifo lives in the state dir on the
// host: the runtime opens it O_PATH and sends that fd with kGo; the init reopens it through
// /proc/self/fd after pivot_root.
#include <fcntl.h>
#include <unistd.h>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {

UniqueFd wait_for_start_keep_open(int fifo_path_fd) {
    const std::string path = "/proc/self/fd/" + std::to_string(fifo_path_fd);
    int fd;
    do {
        fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw sys_error("open exec fifo for writing");
    UniqueFd fifo(fd);
    if (::write(fifo.get(), &kFifoReleased, 1) != 1) throw sys_error("write exec fifo");
    return fifo;
}

}  // namespace ocirun::linux_init
