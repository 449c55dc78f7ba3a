// ocirun exec: the process to run is --process FILE as is, or the container's own process.*
// changed by the flags (runc's rules: args replaced, env appended, caps added to every set...).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "ocirun/console.hpp"
#include "execute/execute.hpp"
#include "execute/failure.hpp"
#include "ocirun/ocirun.hpp"
#include "ocirun/spec_json.hpp"
#include "ocirun/log.hpp"
#include "ocirun/unique_fd.hpp"

namespace ocirun::cli {
namespace {

// Go's strconv.Atoi as runc uses it for -u and -g: a whole decimal number.
long long parse_int(const std::string& text, const std::string& what) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0)
        throw Error("parsing " + text + " as int for " + what + " failed: strconv.Atoi: parsing \"" + text +
                    "\": invalid syntax");
    return v;
}

spec::Process process_from_flags(const spec::Process& base, const ExecCommand& cmd) {
    spec::Process p = base;
    p.args = cmd.args;
    if (!cmd.cwd.empty()) p.cwd = cmd.cwd;
    if (!cmd.apparmor.empty()) p.apparmorProfile = cmd.apparmor;
    if (!cmd.process_label.empty()) p.selinuxLabel = cmd.process_label;
    if (!cmd.caps.empty()) {
        if (!p.capabilities) p.capabilities.emplace();
        for (const auto& c : cmd.caps) {
            p.capabilities->bounding.push_back(c);
            p.capabilities->inheritable.push_back(c);
            p.capabilities->effective.push_back(c);
            p.capabilities->permitted.push_back(c);
            p.capabilities->ambient.push_back(c);
        }
    }
    p.env.insert(p.env.end(), cmd.env.begin(), cmd.env.end());
    p.terminal = cmd.tty;
    if (cmd.no_new_privs) p.noNewPrivileges = true;
    if (!cmd.user.empty()) {
        const auto colon = cmd.user.find(':');
        if (colon != std::string::npos)
            p.user.gid = static_cast<std::uint32_t>(parse_int(cmd.user.substr(colon + 1), "gid"));
        p.user.uid = static_cast<std::uint32_t>(parse_int(cmd.user.substr(0, colon), "uid"));
    }
    for (const auto& g : cmd.additional_gids) {
        const long long gid = parse_int(g, "gid");
        if (gid < 0) throw Error("additional-gids must be a positive number " + g);
        p.user.additionalGids.push_back(static_cast<std::uint32_t>(gid));
    }
    return p;
}

// --cgroup [CONTROLLER[,CONTROLLER...]:]PATH
std::map<std::string, std::string> parse_cgroup_flags(const std::vector<std::string>& flags) {
    std::map<std::string, std::string> out;
    for (const auto& f : flags) {
        const auto colon = f.find(':');
        if (colon == std::string::npos) {
            out[""] = f;
            continue;
        }
        const std::string path = f.substr(colon + 1);
        std::string controllers = f.substr(0, colon);
        std::size_t i = 0;
        while (i <= controllers.size()) {
            std::size_t j = controllers.find(',', i);
            if (j == std::string::npos) j = controllers.size();
            if (j > i) out[controllers.substr(i, j - i)] = path;
            i = j + 1;
        }
        if (path.empty()) throw Error("--cgroup " + f + ": empty path");
    }
    return out;
}

}  // namespace

namespace {

int exec_or_throw(const GlobalOptions& g, const ExecCommand& cmd) {
    Runtime rt(runtime_options(g));
    Container c = rt.open(cmd.id);
    ExecOptions opts;
    if (!cmd.process.empty()) {
        opts.process = spec::load_process_file(cmd.process);
    } else {
        const spec::Spec config = c.config();
        opts.process = process_from_flags(config.process ? *config.process : spec::Process{}, cmd);
    }
    container::check_console_socket_use(opts.process.terminal, cmd.detach, cmd.console_socket);
    // Foreground -t without a socket: we receive the master ourselves and proxy it. The pty
    // starts at the caller's size (before the process runs, so no race with its first look).
    std::optional<container::ForegroundConsole> console;
    if (opts.process.terminal && cmd.console_socket.empty()) {
        console.emplace();
        opts.console_socket_fd = console->sender();
        if (const auto ws = container::caller_window_size())
            opts.process.consoleSize = spec::Box{ws->ws_row, ws->ws_col};
    }
    opts.detach = cmd.detach;
    opts.pid_file = cmd.pid_file;
    opts.console_socket = cmd.console_socket;
    opts.preserve_fds = cmd.preserve_fds;
    opts.cgroup_paths = parse_cgroup_flags(cmd.cgroup);
    opts.ignore_paused = cmd.ignore_paused;

    // Signals for the process that arrive before wait_exec() must not be lost or kill us.
    if (!cmd.detach) Container::block_forwarded_signals();
    const pid_t pid = c.exec(opts);
    if (cmd.detach) return 0;
    UniqueFd master;
    if (console) {
        try {
            master = console->receive_master("exec");
        } catch (...) {
            ::kill(pid, SIGKILL);
            c.wait_exec(pid);  // reap it: no zombie
            throw;
        }
    }
    WaitOptions wait;
    wait.forward_signals = true;
    wait.terminal_master = master ? master.get() : -1;
    return c.wait_exec(pid, wait);
}

}  // namespace

// exec reports its own failures (failure.hpp: runc's "exec failed: ..." and status 255), so a
// caller can tell them from the process's own exit status.
int execute_exec(const GlobalOptions& g, const ExecCommand& cmd) {
    try {
        return exec_or_throw(g, cmd);
    } catch (const std::exception& e) {
        std::fflush(stdout);
        const FailureReport failure = failure_report(e, FailedCommand::Exec);
        report_failure(g, failure.message);
        return failure.exit_status;
    }
}

}  // namespace ocirun::cli
