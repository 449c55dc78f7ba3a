// create, run, start, kill, delete.
#include <optional>
#include <string>

#include "ocirun/console.hpp"
#include "execute/execute.hpp"
#include "execute/failure.hpp"
#include "execute/socket_activation.hpp"
#include "ocirun/ocirun.hpp"
#include "output/signal_names.hpp"
#include "ocirun/spec_json.hpp"
#include "ocirun/log.hpp"
#include "ocirun/unique_fd.hpp"

namespace ocirun::cli {
namespace {

// The bundle's config.json, read and parsed once: for runc's console-socket checks here and for
// create (which then neither reads nor parses it again). Unreadable or invalid configs are left
// to create, which reports them in its own order.
void preload_bundle_config(CreateOptions& opts) {
    try {
        std::string text = spec::read_bundle_config(opts.bundle);
        opts.spec = spec::parse_config(text, "config.json");
        opts.spec_json = std::move(text);
    } catch (const std::exception&) {
        opts.spec.reset();
        opts.spec_json.clear();
    }
}

CreateOptions create_options(const CreateCommand& cmd) {
    CreateOptions opts;
    opts.id = cmd.id;
    opts.bundle = cmd.bundle.empty() ? "." : cmd.bundle;
    opts.pid_file = cmd.pid_file;
    opts.console_socket = cmd.console_socket;
    opts.no_pivot = cmd.no_pivot;
    opts.no_new_keyring = cmd.no_new_keyring;
    opts.preserve_fds = cmd.preserve_fds;
    preload_bundle_config(opts);
    apply_socket_activation(opts);  // LISTEN_FDS/LISTEN_PID, like runc
    return opts;
}

// runc prefixes create/run failures this way; containerd shows the text as is.
[[noreturn]] void rethrow_with(const std::string& prefix, const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    throw Error(prefix + e.what(), error ? error->kind() : ErrorKind::Failed);
}

bool bundle_wants_terminal(const CreateOptions& opts) {
    return opts.spec && opts.spec->process && opts.spec->process->terminal;
}

// Takes the pty master a foreground run's init sent over its socketpair and sizes it like the
// caller's terminal, before start: the process sees the right size from its first instruction.
UniqueFd receive_run_master(container::ForegroundConsole& console, Container& c) {
    try {
        UniqueFd master = console.receive_master("run");
        container::copy_caller_window_size(master.get());
        return master;
    } catch (...) {
        try {
            c.destroy(true);
        } catch (const std::exception& cleanup) {
            log::warn(std::string("cleaning up after a failed create: ") + cleanup.what());
        }
        throw;
    }
}

}  // namespace

int execute_create(const GlobalOptions& g, const CreateCommand& cmd) {
    try {
        Runtime rt(runtime_options(g));
        const CreateOptions opts = create_options(cmd);
        container::check_console_socket_use(bundle_wants_terminal(opts), true, opts.console_socket);
        rt.create(opts);
    } catch (const std::exception& e) {
        rethrow_with("ocirun create failed: ", e);
    }
    return 0;
}

int execute_run(const GlobalOptions& g, const RunCommand& cmd) {
    try {
        Runtime rt(runtime_options(g));
        CreateOptions opts = create_options(cmd.create);
        opts.start_after_create = true;
        const bool terminal = bundle_wants_terminal(opts);
        container::check_console_socket_use(terminal, cmd.detach, opts.console_socket);
        // Foreground with a pty and no socket: the init sends its master to us (terminal_proxy).
        std::optional<container::ForegroundConsole> console;
        if (terminal && !cmd.detach) {
            console.emplace();
            opts.console_socket_fd = console->sender();
        }
        Container c = rt.create(opts);
        UniqueFd master;
        if (console) master = receive_run_master(*console, c);
        // Signals for the container that arrive before wait() must not be lost or kill us.
        if (!cmd.detach) Container::block_forwarded_signals();
        try {
            c.start();
        } catch (...) {
            try {
                c.destroy(true);  // runc removes a container whose start failed
            } catch (const std::exception& cleanup) {
                log::warn(std::string("cleaning up after a failed start: ") + cleanup.what());
            }
            throw;
        }
        if (cmd.detach) return 0;
        WaitOptions wait;
        wait.forward_signals = true;
        wait.no_subreaper = cmd.no_subreaper;
        wait.terminal_master = master ? master.get() : -1;
        const int status = c.wait(wait);
        if (!cmd.keep) c.destroy();
        return status;
    } catch (const std::exception& e) {
        rethrow_with("ocirun run failed: ", e);
    }
}

int execute_start(const GlobalOptions& g, const StartCommand& cmd) {
    Runtime rt(runtime_options(g));
    rt.open(cmd.id).start();
    return 0;
}

int execute_kill(const GlobalOptions& g, const KillCommand& cmd) {
    Runtime rt(runtime_options(g));
    Container c = rt.open(cmd.id);
    KillOptions opts;
    opts.signal = parse_signal(cmd.signal);
    opts.all = cmd.all;
    c.kill(opts);
    return 0;
}

int execute_delete(const GlobalOptions& g, const DeleteCommand& cmd) {
    Runtime rt(runtime_options(g));
    // What a runtime SIGKILLed in the middle of a create or delete left under the root (temporary
    // dirs no id names): removed by any delete --force, also of an id that does not exist.
    if (cmd.force) rt.remove_abandoned();
    std::optional<Container> c;
    try {
        c.emplace(rt.open(cmd.id));
    } catch (const Error& e) {
        // `delete --force` of a container that is already gone succeeds, as in runc.
        if (cmd.force && is_not_found(e)) return 0;
        throw;
    }
    c->destroy(cmd.force);
    return 0;
}

}  // namespace ocirun::cli
