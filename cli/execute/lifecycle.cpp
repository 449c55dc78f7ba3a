// create, run, start, kill, delete.
#include <string>

#include "execute/execute.hpp"
#include "ocirun/ocirun.hpp"
#include "output/signal_names.hpp"
#include "util/log.hpp"

namespace ocirun::cli {
namespace {

CreateOptions create_options(const CreateCommand& cmd) {
    CreateOptions opts;
    opts.id = cmd.id;
    opts.bundle = cmd.bundle.empty() ? "." : cmd.bundle;
    opts.pid_file = cmd.pid_file;
    opts.console_socket = cmd.console_socket;
    opts.no_pivot = cmd.no_pivot;
    opts.no_new_keyring = cmd.no_new_keyring;
    opts.preserve_fds = cmd.preserve_fds;
    return opts;
}

// runc prefixes create/run failures this way; containerd shows the text as is.
[[noreturn]] void rethrow_with(const std::string& prefix, const std::exception& e) {
    throw Error(prefix + e.what());
}

// The API reports an unknown id only through its message (runc's "does not exist").
bool is_does_not_exist(const Error& e) {
    return std::string(e.what()).find("does not exist") != std::string::npos;
}

}  // namespace

int execute_create(const GlobalOptions& g, const CreateCommand& cmd) {
    try {
        Runtime rt(runtime_options(g));
        rt.create(create_options(cmd));
    } catch (const std::exception& e) {
        rethrow_with("ocirun create failed: ", e);
    }
    return 0;
}

int execute_run(const GlobalOptions& g, const RunCommand& cmd) {
    try {
        Runtime rt(runtime_options(g));
        Container c = rt.create(create_options(cmd.create));
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
    std::optional<Container> c;
    try {
        c.emplace(rt.open(cmd.id));
    } catch (const Error& e) {
        // `delete --force` of a container that is already gone succeeds, as in runc.
        if (cmd.force && is_does_not_exist(e)) return 0;
        throw;
    }
    c->destroy(cmd.force);
    return 0;
}

}  // namespace ocirun::cli
