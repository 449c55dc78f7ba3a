// Running OCI hooks: fork+execve with the state JSON on stdin, output captured for the error
// text, a timeout enforced with a pidfd (or a short tick where pidfds are missing).
#include "util/hooks.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

#include "ocirun/error.hpp"
#include "util/go_json.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ocirun::hooks {
namespace {

using Clock = std::chrono::steady_clock;

// Go's strings for errnos and signals start in lower case ("no such file or directory",
// "killed"); keep acronyms ("I/O possible", "CPU time limit exceeded") as they are.
std::string go_lowercase_first(std::string s) {
    if (s.size() >= 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
        std::islower(static_cast<unsigned char>(s[1])))
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

// What Go's os.ProcessState.String() prints, which runc's hook errors carry.
std::string go_wait_status_text(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        std::string text = sig >= SIGRTMIN ? "signal " + std::to_string(sig)
                                           : go_lowercase_first(::strsignal(sig));
        text = "signal: " + text;
        if (WCOREDUMP(status)) text += " (core dumped)";
        return text;
    }
    return "unknown wait status " + std::to_string(status);
}

// Keeps pipe ends off fds 0..2 (possible when the caller runs with a closed stdio fd), so the
// child's dup2 onto 0..2 never clobbers another end.
UniqueFd above_stdio(UniqueFd fd) {
    if (fd.get() > 2) return fd;
    UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
    if (!moved) throw sys_error("hook: fcntl(F_DUPFD_CLOEXEC)");
    return moved;
}

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe make_pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw sys_error("hook: pipe2");
    Pipe out{UniqueFd(p[0]), UniqueFd(p[1])};
    out.read = above_stdio(std::move(out.read));
    out.write = above_stdio(std::move(out.write));
    return out;
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw sys_error("hook: fcntl(O_NONBLOCK)");
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// The forked child: stdio from the pipes, a clean signal state (the runtime may block or
// ignore signals, which execve would pass on), no inherited fds, then execve. On failure the
// errno goes to the runtime over `error_fd` (closed by a successful execve).
[[noreturn]] void exec_hook_child(const spec::Hook& hook, char* const* argv, char* const* envp,
                                  const std::string& cwd, int stdin_fd, int stdout_fd,
                                  int stderr_fd, int error_fd) {
    ::setpgid(0, 0);  // its own group: a timeout kills whatever the hook started too
    int err = 0;
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) err = errno;
    if (err == 0 && (::dup2(stdin_fd, 0) < 0 || ::dup2(stdout_fd, 1) < 0 || ::dup2(stderr_fd, 2) < 0))
        err = errno;
    if (err == 0) {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
        ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
        ::execve(hook.path.c_str(), argv, envp);
        err = errno;
    }
    ssize_t ignored = ::write(error_fd, &err, sizeof err);
    (void)ignored;
    ::_exit(127);
}

// SIGPIPE blocked while the state is written (a hook may exit without reading stdin): the
// write then fails with EPIPE instead of killing the runtime or the container's init.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
    }
    ~SigpipeBlocked() {
        sigset_t pending;
        sigpending(&pending);
        if (!was_pending_ && sigismember(&old_, SIGPIPE) != 1 && sigismember(&pending, SIGPIPE) == 1) {
            sigset_t pipe_only;
            sigemptyset(&pipe_only);
            sigaddset(&pipe_only, SIGPIPE);
            timespec zero{0, 0};
            ::sigtimedwait(&pipe_only, nullptr, &zero);  // drop the one our write raised
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t old_{};
    bool was_pending_ = false;
};

// Appends what is readable now; returns false at EOF (or an error), when the fd is done.
bool read_available(int fd, std::string& into) {
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && errno == EAGAIN;
    }
}

void kill_hook(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

std::string timeout_text(std::int32_t seconds) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(seconds));
    return buf;
}

}  // namespace

std::string hook_state_json(const HookState& s) {
    std::string out = "{\"ociVersion\":" + gojson::quote(spec::kSpecVersion) +
                      ",\"id\":" + gojson::quote(s.id) +
                      ",\"status\":" + gojson::quote(s.status);
    if (s.pid != 0) out += ",\"pid\":" + std::to_string(s.pid);
    out += ",\"bundle\":" + gojson::quote(s.bundle);
    if (!s.annotations.empty()) {
        out += ",\"annotations\":{";
        bool first = true;
        for (const auto& [key, value] : s.annotations) {  // std::map: sorted, like Go's maps
            if (!first) out += ',';
            first = false;
            out += gojson::quote(key) + ":" + gojson::quote(value);
        }
        out += '}';
    }
    out += '}';
    return out;
}

void run_hook(const spec::Hook& hook, const std::string& state_json, const HookRunOptions& options) {
    // Everything the child needs is built before fork: it must not allocate.
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<char*> argv = c_strings(args);
    std::vector<char*> env_storage = c_strings(hook.env);
    char* const* envp = hook.env.empty() ? environ : env_storage.data();

    Pipe in = make_pipe();
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    Pipe exec_error = make_pipe();

    const pid_t pid = ::fork();
    if (pid < 0) throw sys_error("fork/exec " + hook.path);
    if (pid == 0)
        exec_hook_child(hook, argv.data(), envp, options.cwd, in.read.get(), out.write.get(),
                        err.write.get(), exec_error.write.get());

    ::setpgid(pid, pid);  // also here: a timeout right after fork must find the group
    in.read.reset();
    out.write.reset();
    err.write.reset();
    exec_error.write.reset();

    // EOF: execve succeeded (the fd was close-on-exec); 4 bytes: the child's errno.
    int child_errno = 0;
    ssize_t n;
    do {
        n = ::read(exec_error.read.get(), &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        throw Error("fork/exec " + hook.path + ": " + go_lowercase_first(std::strerror(child_errno)));
    }

    SigpipeBlocked sigpipe_blocked;
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));  // -1: tick instead
    set_nonblocking(in.write.get());
    set_nonblocking(out.read.get());
    set_nonblocking(err.read.get());

    std::optional<Clock::time_point> deadline;
    if (hook.timeout) deadline = Clock::now() + std::chrono::seconds(*hook.timeout);
    std::size_t written = 0;
    if (state_json.empty()) in.write.reset();
    std::string captured_out, captured_err;
    int status = 0;
    bool exited = false;
    while (!exited) {
        pollfd fds[4];
        nfds_t count = 0;
        auto watch = [&](int fd, short events) {
            if (fd >= 0) fds[count++] = pollfd{fd, events, 0};
        };
        watch(in.write.get(), POLLOUT);
        watch(out.read.get(), POLLIN);
        watch(err.read.get(), POLLIN);
        watch(pidfd.get(), POLLIN);
        int wait_ms = pidfd ? -1 : 10;
        if (deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
            if (left <= 0) {
                kill_hook(pid);
                throw Error("hook ran past specified timeout of " + timeout_text(*hook.timeout));
            }
            const int left_ms = static_cast<int>(std::min<long long>(left, INT_MAX));
            wait_ms = wait_ms < 0 ? left_ms : std::min(wait_ms, left_ms);
        }
        if (::poll(fds, count, wait_ms) < 0 && errno != EINTR) {
            kill_hook(pid);
            throw sys_error("hook " + hook.path + ": poll");
        }
        for (nfds_t i = 0; i < count; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in.write.get()) {
                ssize_t w = ::write(in.write.get(), state_json.data() + written, state_json.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                // Done, or the hook closed its stdin (EPIPE): runc ignores that too.
                if (written == state_json.size() || (w < 0 && errno != EAGAIN && errno != EINTR))
                    in.write.reset();
            } else if (fds[i].fd == out.read.get()) {
                if (!read_available(out.read.get(), captured_out)) out.read.reset();
            } else if (fds[i].fd == err.read.get()) {
                if (!read_available(err.read.get(), captured_err)) err.read.reset();
            }
        }
        // The exit itself: a readable pidfd, or (without one) a non-blocking wait each tick.
        pid_t r;
        do {
            r = ::waitpid(pid, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == pid) exited = true;
        else if (r < 0) throw sys_error("hook " + hook.path + ": waitpid");
    }
    // What the hook wrote before exiting is in the pipes; a process it left behind may keep
    // them open, so take what is there instead of waiting for EOF.
    if (out.read) read_available(out.read.get(), captured_out);
    if (err.read) read_available(err.read.get(), captured_err);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    throw Error("error running hook: " + go_wait_status_text(status) + ", stdout: " + captured_out +
                ", stderr: " + captured_err);
}

void run_hooks(const std::vector<spec::Hook>& hooks, const HookState& state, const HookRunOptions& options) {
    if (hooks.empty()) return;
    const std::string json = hook_state_json(state);
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_hook(hooks[i], json, options);
        } catch (const std::exception& e) {
            throw Error("error running hook #" + std::to_string(i) + ": " + e.what());
        }
    }
}

std::vector<std::string> run_hooks_collecting_errors(const std::vector<spec::Hook>& hooks,
                                                     const HookState& state, const HookRunOptions& options) {
    std::vector<std::string> errors;
    if (hooks.empty()) return errors;
    const std::string json = hook_state_json(state);
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_hook(hooks[i], json, options);
        } catch (const std::exception& e) {
            errors.push_back("error running hook #" + std::to_string(i) + ": " + e.what());
        }
    }
    return errors;
}

}  // namespace ocirun::hooks
