// A foreground `run`/`exec -t` with process.terminal and no --console-socket: ocirun takes the
// pty master itself and proxies it to the caller's terminal. Here the test is that terminal: it
// opens a pty pair, runs ocirun on the slave, types into the master and reads what the shell in
// the container prints (window size, SIGWINCH, raw mode and its restore, exit code, no zombie).
// Also the same without a caller terminal (pipes, /dev/null) and runc's refusals.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
using namespace std::chrono_literals;

extern char** environ;

namespace {

using it::read_file;

const std::vector<std::string> kNothing;

// ocirun running with a pty slave as its controlling terminal and stdin/stdout/stderr; the test
// holds the master (what a terminal emulator holds) and a slave fd to inspect the termios.
class PtyCaller {
public:
    PtyCaller(const it::Runner& rt, const std::vector<std::string>& args, unsigned short rows,
              unsigned short cols) {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
            throw std::runtime_error("posix_openpt failed");
        const std::string slave_name = ::ptsname(master_);
        slave_ = ::open(slave_name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave_ < 0) throw std::runtime_error("open " + slave_name);
        set_size(rows, cols);
        ::tcgetattr(slave_, &initial_);

        // Everything the child needs, built before fork.
        std::vector<std::string> argv{rt.binary().string(), "--root", rt.root().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) env.emplace_back(*e);
        for (const auto& [k, v] : rt.env()) env.push_back(k + "=" + v);
        std::vector<char*> cenv;
        for (auto& e : env) cenv.push_back(e.data());
        cenv.push_back(nullptr);

        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::setsid();
            const int tty = ::open(slave_name.c_str(), O_RDWR);  // becomes the controlling tty
            if (tty < 0 || ::ioctl(tty, TIOCSCTTY, 0) != 0) ::_exit(126);
            ::dup2(tty, 0);
            ::dup2(tty, 1);
            ::dup2(tty, 2);
            ::execve(cargv[0], cargv.data(), cenv.data());
            ::_exit(127);
        }
    }
    ~PtyCaller() {
        if (pid_ > 0 && exit_code_ < 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(master_);
        ::close(slave_);
    }

    pid_t pid() const { return pid_; }
    const std::string& output() const { return out_; }

    void set_size(unsigned short rows, unsigned short cols) {
        struct winsize ws {};
        ws.ws_row = rows;
        ws.ws_col = cols;
        ::ioctl(master_, TIOCSWINSZ, &ws);  // the kernel sends SIGWINCH to ocirun (foreground)
    }
    void type(const std::string& text) {
        if (::write(master_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            throw std::runtime_error("write to the pty master failed");
    }
    // Reads until `needle` appears in everything read since `from` (default: since the last
    // match), or the timeout. Returns whether it appeared.
    bool read_until(const std::string& needle, std::chrono::milliseconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto pos = out_.find(needle, mark_);
            if (pos != std::string::npos) {
                mark_ = pos + needle.size();
                return true;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
        }
    }
    // Waits for ocirun to exit (then reads what is left); -1 on timeout.
    int wait_exit(std::chrono::milliseconds timeout = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (exit_code_ < 0) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) return -1;
            read_some(50);
        }
        while (read_some(100)) {
        }
        return exit_code_;
    }
    struct termios termios_now() const {
        struct termios t {};
        ::tcgetattr(slave_, &t);
        return t;
    }
    const struct termios& termios_before() const { return initial_; }

private:
    bool read_some(int timeout_ms) {
        struct pollfd p {master_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) != 1) return false;
        char buf[4096];
        const ssize_t n = ::read(master_, buf, sizeof buf);
        if (n <= 0) return false;
        out_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int master_ = -1;
    int slave_ = -1;
    pid_t pid_ = -1;
    int exit_code_ = -1;
    std::string out_;
    std::size_t mark_ = 0;
    struct termios initial_ {};
};

// The children of `pid` with their state letter ("1234 S"): a foreground ocirun must have
// exactly its container process, and never a zombie.
std::vector<std::string> children_of(pid_t pid) {
    std::vector<std::string> out;
    const std::string dir = "/proc/" + std::to_string(pid) + "/task/";
    for (const auto& task : std::filesystem::directory_iterator(dir)) {
        std::istringstream in(read_file((task.path() / "children").string()));
        std::string child;
        while (in >> child) {
            const std::string stat = read_file("/proc/" + child + "/stat");
            const auto close = stat.rfind(')');
            const std::string state = close == std::string::npos ? "?" : stat.substr(close + 2, 1);
            out.push_back(child + " " + state);
        }
    }
    return out;
}

bool same_modes(const struct termios& a, const struct termios& b) {
    return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_lflag == b.c_lflag && a.c_cflag == b.c_cflag;
}

// A detached `sleep 1000` container to exec into; force-deleted (and checked) at the end.
class DetachedContainer {
public:
    explicit DetachedContainer(const it::Runner& rt, const std::string& prefix) : rt_(rt), id_(it::unique_id(prefix)) {
        bundle_.set_args({"sleep", "1000"});
        bundle_.set_readonly(false);
        result_ = rt_({"run", "--detach", "--bundle", bundle_.path().string(), id_}, {.timeout = 20s});
    }
    ~DetachedContainer() {
        rt_({"delete", "--force", id_});
        EXPECT_EQ(it::leftovers(rt_, id_, bundle_), kNothing) << id_;
    }
    bool started() const { return result_.exit_code == 0; }
    std::string describe() const { return result_.describe(); }
    const std::string& id() const { return id_; }
    it::Bundle& bundle() { return bundle_; }

private:
    const it::Runner& rt_;
    it::Bundle bundle_;
    std::string id_;
    it::CommandResult result_;
};

// The shell session both interactive tests run: sizes, SIGWINCH, raw mode, no zombie, exit 42.
void drive_interactive_shell(PtyCaller& term, const std::string& what) {
    ASSERT_TRUE(term.read_until("# ")) << what << ": no prompt; got: " << term.output();
    // The caller's terminal is raw while ocirun proxies (the container's pty does the editing).
    const struct termios during = term.termios_now();
    EXPECT_EQ(during.c_lflag & (ICANON | ECHO | ISIG), 0u) << what << ": caller's terminal not in raw mode";

    term.type("stty size\r");
    EXPECT_TRUE(term.read_until("30 100")) << what << ": initial size; got: " << term.output();
    ASSERT_TRUE(term.read_until("# ")) << term.output();

    term.set_size(40, 120);
    ::kill(term.pid(), SIGWINCH);  // the kernel sent one already; a second must do no harm
    std::this_thread::sleep_for(200ms);
    term.type("stty size\r");
    EXPECT_TRUE(term.read_until("40 120")) << what << ": size after SIGWINCH; got: " << term.output();
    ASSERT_TRUE(term.read_until("# ")) << term.output();

    // ocirun's only child is the container's process, alive.
    const auto children = children_of(term.pid());
    ASSERT_EQ(children.size(), 1u) << what << ": children of ocirun: " << ::testing::PrintToString(children);
    // Alive, not a zombie (it may still be running just after printing the prompt).
    EXPECT_NE(children[0].back(), 'Z') << what << ": " << children[0];

    term.type("echo h''i; exit 42\r");
    EXPECT_TRUE(term.read_until("hi\r\n")) << what << ": " << term.output();
    EXPECT_EQ(term.wait_exit(), 42) << what << ": " << term.output();
    EXPECT_TRUE(same_modes(term.termios_now(), term.termios_before()))
        << what << ": the caller's terminal mode was not restored";
}

}  // namespace

TEST(ForegroundTerminal, RunProxiesTheCallersTerminal) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.set_args({"sh"});
    const auto id = it::unique_id("fg-run-tty");
    {
        PtyCaller term(ocirun, {"run", "--bundle", bundle.path().string(), id}, 30, 100);
        drive_interactive_shell(term, "run");
    }
    // run without --keep deleted it.
    EXPECT_NE(ocirun({"state", id}).exit_code, 0);
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ForegroundTerminal, ExecProxiesTheCallersTerminal) {
    it::Runner ocirun = it::Runner::ocirun();
    DetachedContainer c(ocirun, "fg-exec-tty");
    ASSERT_TRUE(c.started()) << c.describe();
    {
        PtyCaller term(ocirun, {"exec", "-t", c.id(), "sh"}, 30, 100);
        drive_interactive_shell(term, "exec -t");
    }
    EXPECT_EQ(ocirun.state(c.id()).at("status").as_string(), "running");
}

TEST(ForegroundTerminal, CallerTerminalSizeWinsOverConsoleSize) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.config().at("process").as_object()["consoleSize"] = json::object{{"height", 33}, {"width", 99}};
    bundle.save();
    bundle.set_args({"sh", "-c", "stty size"});
    const auto id = it::unique_id("fg-size");
    PtyCaller term(ocirun, {"run", "--bundle", bundle.path().string(), id}, 25, 81);
    EXPECT_EQ(term.wait_exit(), 0) << term.output();
    EXPECT_NE(term.output().find("25 81"), std::string::npos) << term.output();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ForegroundTerminal, RunWithoutCallerTerminalStillProxies) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.config().at("process").as_object()["consoleSize"] = json::object{{"height", 33}, {"width", 99}};
    bundle.save();
    bundle.set_args({"sh"});
    // stdin a pipe: the commands, then EOF (sent on as ^D).
    auto id = it::unique_id("fg-pipe");
    auto r = ocirun({"run", "--bundle", bundle.path().string(), id},
                    {.timeout = 30s, .input = "stty size; tty; echo h''i; exit 42\n"});
    EXPECT_EQ(r.exit_code, 42) << r.describe();
    EXPECT_NE(r.out.find("33 99"), std::string::npos) << "consoleSize: " << r.describe();
    EXPECT_NE(r.out.find("/dev/pts/0"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("hi\r\n"), std::string::npos) << "the pty turns \\n into \\r\\n: " << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);

    // EOF of stdin reaches a program reading the pty (as ^D): cat ends. (The pty echoes the
    // line, cat prints it again.)
    bundle.set_args({"cat"});
    id = it::unique_id("fg-eof");
    r = ocirun({"run", "--bundle", bundle.path().string(), id}, {.timeout = 30s, .input = "from-pipe\n"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("from-pipe\r\nfrom-pipe\r\n"), std::string::npos) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);

    // stdin /dev/null, a process that does not read it.
    bundle.set_args({"sh", "-c", "test -t 0 && test -t 1 && echo on-a-tty; exit 3"});
    id = it::unique_id("fg-null");
    r = ocirun({"run", "--bundle", bundle.path().string(), id}, {.timeout = 30s});
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_EQ(r.out, "on-a-tty\r\n") << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ForegroundTerminal, ExecWithoutCallerTerminalStillProxies) {
    it::Runner ocirun = it::Runner::ocirun();
    DetachedContainer c(ocirun, "fg-exec-pipe");
    ASSERT_TRUE(c.started()) << c.describe();
    auto r = ocirun({"exec", "-t", c.id(), "sh"}, {.timeout = 30s, .input = "tty; echo h''i; exit 7\n"});
    EXPECT_EQ(r.exit_code, 7) << r.describe();
    EXPECT_NE(r.out.find("/dev/pts/"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("hi\r\n"), std::string::npos) << r.describe();
    // Killed by a signal: 128+9, like runc.
    r = ocirun({"exec", "-t", c.id(), "sh", "-c", "kill -9 $$"}, {.timeout = 30s});
    EXPECT_EQ(r.exit_code, 137) << r.describe();
}

TEST(ForegroundTerminal, SignalsReachTheProcessThroughTheProxy) {
    it::Runner ocirun = it::Runner::ocirun();
    it::TempDir dir("ocirun-it-fgsig");
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.set_args({"sh", "-c", "trap 'echo got-usr1' USR1; trap 'echo got-term; exit 5' TERM; echo ready; "
                                 "while true; do sleep 0.1; done"});
    const auto id = it::unique_id("fg-sig");
    const std::string out = (dir.path() / "out").string();
    const std::string script =
        "'" + ocirun.binary().string() + "' --root '" + ocirun.root().string() + "' run --bundle '" +
        bundle.path().string() + "' " + id + " </dev/null >'" + out + "' 2>&1 & pid=$!; " +
        "i=0; until grep -q ready '" + out + "'; do sleep 0.1; i=$((i+1)); [ $i -gt 200 ] && break; done; " +
        "kill -USR1 $pid; i=0; until grep -q got-usr1 '" + out + "'; do sleep 0.1; i=$((i+1)); [ $i -gt 100 ] && break; done; " +
        "kill -TERM $pid; wait $pid; echo rc=$?";
    it::CommandOptions opts;
    opts.env = ocirun.env();
    opts.timeout = 60s;
    auto r = it::run_command({"/bin/sh", "-c", script}, opts);
    const std::string text = read_file(out);
    EXPECT_NE(text.find("got-usr1"), std::string::npos) << text << r.describe();
    EXPECT_NE(text.find("got-term"), std::string::npos) << text << r.describe();
    EXPECT_EQ(r.out, "rc=5\n") << text << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(ForegroundTerminal, RefusalsLikeRunc) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_terminal(true);
    bundle.set_args({"true"});
    struct Case {
        std::vector<std::string> args;
        std::string text;
    };
    const std::vector<Case> cases{
        {{"run", "-d"}, "run failed: cannot allocate tty if runc will detach without setting console socket"},
        {{"create"}, "create failed: cannot allocate tty if runc will detach without setting console socket"},
        {{"run", "--console-socket", "/nonexistent.sock"},
         "run failed: cannot use console socket if runc will not detach or allocate tty"},
    };
    const bool with_runc = it::runc_available();
    std::unique_ptr<it::Runner> runc;
    if (with_runc) runc = std::make_unique<it::Runner>(it::Runner::runc());
    for (const auto& k : cases) {
        const auto id = it::unique_id("fg-refuse");
        auto args = k.args;
        args.insert(args.end(), {"--bundle", bundle.path().string(), id});
        auto r = ocirun(args);
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_NE(r.err.find("ocirun " + k.text), std::string::npos) << r.describe();
        EXPECT_NE(ocirun({"state", id}).exit_code, 0) << "nothing may be created";
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
        if (with_runc) {
            auto theirs = (*runc)(args);
            EXPECT_EQ(theirs.exit_code, r.exit_code) << theirs.describe();
            EXPECT_NE(theirs.err.find("runc " + k.text), std::string::npos) << theirs.describe();
        }
    }
}
