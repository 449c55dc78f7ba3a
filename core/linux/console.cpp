// process.terminal: the container gets a pty from its own devpts instance. The master goes to
// whoever listens on --console-socket (one message: a name plus exactly one fd); the slave becomes
// the controlling terminal and fds 0, 1, 2, owned by the process user.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "linux/fd_passing.hpp"
#include "linux/init_steps.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

void send_master(int socket_fd, int master_fd, const std::string& name) {
    struct iovec iov {const_cast<char*>(name.data()), name.size()};
    if (send_with_fd(socket_fd, &iov, 1, master_fd) < 0) throw sys_error("--console-socket: send the pty master");
}

// The pty slave, seen as /dev/console too (programs write there expecting the terminal).
void mount_console(const std::string& slave_path) {
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw sys_error("open /");
    ResolvedPath console = resolve_in_root(root.get(), "/dev/console", Create::kFile);
    if (::mount(slave_path.c_str(), console.proc_path().c_str(), nullptr, MS_BIND, nullptr) != 0)
        throw sys_error("process.terminal: bind " + slave_path + " to /dev/console");
}

// The slave belongs to the process user, as runc leaves it: uid changed, gid kept (devpts gives
// it the mount's gid=, "tty" (5) in the default spec). Refusals that mean "not mappable here"
// leave it as it is, like runc's.
void give_slave_to_user(int slave_fd, const spec::User& user) {
    struct stat st {};
    if (::fstat(slave_fd, &st) != 0) throw sys_error("process.terminal: fstat the pty");
    if (st.st_uid == user.uid) return;
    if (::fchown(slave_fd, user.uid, st.st_gid) != 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
        throw sys_error("process.terminal: chown the pty to process.user.uid " + std::to_string(user.uid));
}

}  // namespace

void setup_terminal(const spec::Process& process, int console_socket_fd, bool with_console_mount) {
    if (console_socket_fd < 0)
        throw Error("config.json: process.terminal: true needs a console socket to send the pty "
                    "master to (--console-socket, or a foreground run's own socketpair)");
    UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) throw sys_error("process.terminal: open /dev/ptmx (is devpts mounted at /dev/pts?)");
    if (::unlockpt(master.get()) != 0) throw sys_error("process.terminal: unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw sys_error("process.terminal: ptsname");
    // TIOCGPTPEER opens the slave through the master, immune to a swapped /dev/pts entry.
    UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) slave.reset(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) throw sys_error(std::string("process.terminal: open ") + name);

    if (process.consoleSize) {
        struct winsize ws {};
        ws.ws_row = static_cast<unsigned short>(process.consoleSize->height);
        ws.ws_col = static_cast<unsigned short>(process.consoleSize->width);
        if (::ioctl(slave.get(), TIOCSWINSZ, &ws) != 0) throw sys_error("process.consoleSize: TIOCSWINSZ");
    }
    give_slave_to_user(slave.get(), process.user);
    if (with_console_mount) mount_console(name);

    send_master(console_socket_fd, master.get(), name);
    master.reset();
    ::close(console_socket_fd);

    if (::setsid() < 0) throw sys_error("process.terminal: setsid");
    if (::ioctl(slave.get(), TIOCSCTTY, 0) != 0) throw sys_error("process.terminal: TIOCSCTTY");
    for (int fd = 0; fd <= 2; ++fd)
        if (::dup2(slave.get(), fd) < 0) throw sys_error("process.terminal: dup2 the pty to fd " + std::to_string(fd));
}

}  // namespace ocirun::linux_init
