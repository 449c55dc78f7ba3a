#include "container/terminal_proxy.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>

#include "container/host_terminal.hpp"
#include "container/signal_forwarding.hpp"
#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::container {
namespace {

using Clock = std::chrono::steady_clock;

// After the process exited: output still in flight through the tty layer is copied until the
// slave side is closed by everyone (EIO), or nothing came for this long (a background process
// of an exec still holds the slave), or the whole drain took kDrainLimit.
constexpr int kDrainQuietMs = 300;
constexpr auto kDrainLimit = std::chrono::seconds(3);

// Tags in epoll_event.data.u32.
enum Source : std::uint32_t { kSignals, kStdin, kMaster };

class Proxy {
public:
    Proxy(int master, pid_t pid, int signal_fd) : master_(master), pid_(pid), signals_(signal_fd) {
        epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
        if (!epoll_) throw sys_error("terminal: epoll_create1");
        add(signals_, kSignals, EPOLLIN);
        add(master_, kMaster, EPOLLIN);
        struct stat st {};
        if (::fstat(STDIN_FILENO, &st) != 0) {
            stdin_open_ = false;  // no stdin at all
        } else if (ctl(EPOLL_CTL_ADD, STDIN_FILENO, kStdin, EPOLLIN) == 0) {
            stdin_registered_ = stdin_watched_ = true;
        } else if (errno == EPERM) {
            stdin_always_ready_ = true;  // a regular file or /dev/null: reads never block
        } else {
            throw sys_error("terminal: epoll_ctl(stdin)");
        }
    }

    int run() {
        reap();
        while (!finished()) {
            update_interest();
            struct epoll_event events[8];
            const int n = ::epoll_wait(epoll_.get(), events, 8, timeout_ms());
            if (n < 0) {
                if (errno == EINTR) continue;
                throw sys_error("terminal: epoll_wait");
            }
            if (n == 0 && timeout_ms() == 0) read_stdin();  // stdin that epoll cannot watch
            if (n == 0 && exited_) break;  // drained: quiet for kDrainQuietMs
            for (int i = 0; i < n; ++i) handle(events[i]);
        }
        return exit_code_of(status_);
    }

private:
    int ctl(int op, int fd, Source tag, std::uint32_t mask) {
        struct epoll_event ev {};
        ev.events = mask;
        ev.data.u32 = tag;
        return ::epoll_ctl(epoll_.get(), op, fd, &ev);
    }
    void add(int fd, Source tag, std::uint32_t mask) {
        if (ctl(EPOLL_CTL_ADD, fd, tag, mask) != 0) throw sys_error("terminal: epoll_ctl");
    }

    bool finished() const {
        if (!exited_) return false;
        return !master_open_ || Clock::now() - exited_at_ >= kDrainLimit;
    }

    int timeout_ms() const {
        if (exited_) return kDrainQuietMs;
        if (stdin_always_ready_ && stdin_open_ && pending_.empty() && master_open_) return 0;
        return -1;
    }

    // What to wait for follows the state: the master's EPOLLOUT only while input is pending,
    // stdin only while nothing is pending (back-pressure) and the process runs.
    void update_interest() {
        if (master_open_) {
            std::uint32_t mask = EPOLLIN;
            if (!pending_.empty() || send_eof_) mask |= EPOLLOUT;
            if (mask != master_mask_) {
                ctl(EPOLL_CTL_MOD, master_, kMaster, mask);
                master_mask_ = mask;
            }
        }
        const bool want_stdin = stdin_registered_ && stdin_open_ && pending_.empty() && !exited_ && master_open_;
        if (want_stdin != stdin_watched_) {
            ctl(EPOLL_CTL_MOD, STDIN_FILENO, kStdin, want_stdin ? std::uint32_t{EPOLLIN} : 0u);
            stdin_watched_ = want_stdin;
        }
    }

    void handle(const struct epoll_event& ev) {
        switch (ev.data.u32) {
            case kSignals: read_signals(); break;
            case kStdin: read_stdin(); break;
            case kMaster:
                if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_master();
                if (master_open_ && (ev.events & EPOLLOUT)) write_master();
                break;
        }
    }

    void read_signals() {
        for (;;) {
            struct signalfd_siginfo si {};
            const ssize_t n = ::read(signals_, &si, sizeof si);
            if (n != static_cast<ssize_t>(sizeof si)) return;  // EAGAIN: all read
            const int sig = static_cast<int>(si.ssi_signo);
            if (sig == SIGCHLD) {
                reap();
            } else if (sig == SIGWINCH) {
                copy_caller_window_size(master_);
            } else if (sig == SIGPIPE && static_cast<pid_t>(si.ssi_pid) == ::getpid()) {
                // Our own write to a closed stdout: not for the container.
            } else if (!exited_) {
                ::kill(pid_, sig);
            }
        }
    }

    void reap() {
        for (;;) {
            int status = 0;
            const pid_t r = ::waitpid(-1, &status, WNOHANG);
            if (r == pid_) {
                status_ = status;
                exited_ = true;
                exited_at_ = Clock::now();
                continue;
            }
            if (r > 0) continue;  // an orphan adopted as subreaper
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && errno == ECHILD && !exited_)
                throw Error("terminal: process " + std::to_string(pid_) + " is not a child of this process");
            return;
        }
    }

    void read_stdin() {
        char buf[4096];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) {
            pending_.append(buf, static_cast<std::size_t>(n));
            write_master();
            return;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        // EOF (or an unreadable stdin): tell the program reading the pty, once.
        stdin_open_ = false;
        send_eof_ = true;
        if (stdin_registered_) {
            ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, STDIN_FILENO, nullptr);
            stdin_registered_ = stdin_watched_ = false;
        }
        write_master();
    }

    void write_master() {
        while (!pending_.empty()) {
            const ssize_t n = ::write(master_, pending_.data(), pending_.size());
            if (n > 0) {
                pending_.erase(0, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;  // the pty's input queue is full: EPOLLOUT
            pending_.clear();  // EIO: nobody reads the slave any more
            return;
        }
        if (send_eof_) {
            struct termios t {};
            if (::tcgetattr(master_, &t) == 0) {
                const char eof = static_cast<char>(t.c_cc[VEOF]);
                if (::write(master_, &eof, 1) < 0 && errno == EAGAIN) return;  // retried on EPOLLOUT
            }
            send_eof_ = false;
        }
    }

    void read_master() {
        char buf[8192];
        for (;;) {
            const ssize_t n = ::read(master_, buf, sizeof buf);
            if (n > 0) {
                write_stdout(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;
            // EIO: every slave fd is closed; the container's side of the terminal is gone.
            master_open_ = false;
            pending_.clear();
            send_eof_ = false;
            ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, master_, nullptr);
            return;
        }
    }

    void write_stdout(const char* data, std::size_t size) {
        if (stdout_broken_) return;
        while (size > 0) {
            const ssize_t n = ::write(STDOUT_FILENO, data, size);
            if (n > 0) {
                data += n;
                size -= static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {  // someone made our stdout non-blocking
                struct pollfd p {STDOUT_FILENO, POLLOUT, 0};
                ::poll(&p, 1, -1);
                continue;
            }
            stdout_broken_ = true;  // EPIPE and friends: keep the pty drained, drop the output
            return;
        }
    }

    int master_;
    pid_t pid_;
    int signals_;
    UniqueFd epoll_;
    std::uint32_t master_mask_ = EPOLLIN;
    bool master_open_ = true;
    bool stdin_open_ = true;
    bool stdin_registered_ = false;
    bool stdin_watched_ = false;
    bool stdin_always_ready_ = false;
    bool stdout_broken_ = false;
    bool send_eof_ = false;
    std::string pending_;  // stdin bytes the master has not taken yet
    bool exited_ = false;
    int status_ = 0;
    Clock::time_point exited_at_;
};

}  // namespace

bool copy_caller_window_size(int master_fd) {
    const std::optional<struct winsize> ws = caller_window_size();
    if (!ws) return false;
    return ::ioctl(master_fd, TIOCSWINSZ, &*ws) == 0;
}

int proxy_terminal_until_exit(int master_fd, pid_t pid, bool subreaper) {
    const SignalForwardingScope forwarding(subreaper);
    UniqueFd signal_fd(::signalfd(-1, &forwarding.signals(), SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd) throw sys_error("terminal: signalfd");

    const int flags = ::fcntl(master_fd, F_GETFL);
    if (flags < 0 || ::fcntl(master_fd, F_SETFL, flags | O_NONBLOCK) != 0)
        throw sys_error("terminal: make the pty master non-blocking");

    RawModeGuard raw;  // restored when this returns or throws
    copy_caller_window_size(master_fd);
    Proxy proxy(master_fd, pid, signal_fd.get());
    return proxy.run();
}

}  // namespace ocirun::container
