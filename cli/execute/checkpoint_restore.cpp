// checkpoint and restore: flags -> CheckpointOptions / RestoreOptions (the core applies runc's
// defaults), and a foreground restore that waits like run.
#include <unistd.h>

#include <optional>

#include "execute/execute.hpp"
#include "ocirun/console.hpp"
#include "ocirun/log.hpp"
#include "ocirun/ocirun.hpp"
#include "ocirun/spec_json.hpp"
#include "ocirun/unique_fd.hpp"

namespace ocirun::cli {
namespace {

bool bundle_wants_terminal(const std::string& bundle) {
    try {
        const spec::Spec s = spec::parse_config(spec::read_bundle_config(bundle), "config.json");
        return s.process && s.process->terminal;
    } catch (const std::exception&) {
        return false;  // restore reports the config's problems itself
    }
}

RestoreOptions restore_options(const RestoreCommand& cmd) {
    RestoreOptions o;
    o.id = cmd.id;
    o.bundle = cmd.bundle.empty() ? "." : cmd.bundle;
    o.image_path = cmd.image_path;
    o.work_path = cmd.work_path;
    o.parent_path = cmd.parent_path;
    o.pid_file = cmd.pid_file;
    o.console_socket = cmd.console_socket;
    o.tcp_established = cmd.tcp_established;
    o.ext_unix_sk = cmd.ext_unix_sk;
    o.shell_job = cmd.shell_job;
    o.file_locks = cmd.file_locks;
    o.auto_dedup = cmd.auto_dedup;
    o.lazy_pages = cmd.lazy_pages;
    o.no_pivot = cmd.no_pivot;
    o.manage_cgroups_mode = cmd.manage_cgroups_mode;
    o.empty_ns = cmd.empty_ns;
    o.lsm_profile = cmd.lsm_profile;
    o.lsm_mount_context = cmd.lsm_mount_context;
    return o;
}

}  // namespace

int execute_checkpoint(const GlobalOptions& g, const CheckpointCommand& cmd) {
    Runtime rt(runtime_options(g));
    CheckpointOptions o;
    o.image_path = cmd.image_path;
    o.work_path = cmd.work_path;
    o.parent_path = cmd.parent_path;
    o.leave_running = cmd.leave_running;
    o.tcp_established = cmd.tcp_established;
    o.ext_unix_sk = cmd.ext_unix_sk;
    o.shell_job = cmd.shell_job;
    o.file_locks = cmd.file_locks;
    o.pre_dump = cmd.pre_dump;
    o.auto_dedup = cmd.auto_dedup;
    o.lazy_pages = cmd.lazy_pages;
    o.status_fd = cmd.status_fd;
    o.page_server = cmd.page_server;
    o.manage_cgroups_mode = cmd.manage_cgroups_mode;
    o.empty_ns = cmd.empty_ns;
    rt.open(cmd.id).checkpoint(o);
    return 0;
}

int execute_restore(const GlobalOptions& g, const RestoreCommand& cmd) {
    Runtime rt(runtime_options(g));
    RestoreOptions o = restore_options(cmd);
    const bool terminal = bundle_wants_terminal(o.bundle);
    container::check_console_socket_use(terminal, cmd.detach, cmd.console_socket);
    // Foreground with a pty and no socket: the restored master comes to us, as in run.
    std::optional<container::ForegroundConsole> console;
    if (terminal && !cmd.detach) {
        console.emplace();
        o.console_socket_fd = console->sender();
    }
    Container c = rt.restore(o);
    if (cmd.detach) return 0;
    UniqueFd master;
    if (console) {
        master = console->receive_master("restore");
        container::copy_caller_window_size(master.get());
    }
    WaitOptions wait;
    wait.forward_signals = true;
    wait.no_subreaper = cmd.no_subreaper;
    wait.terminal_master = master ? master.get() : -1;
    Container::block_forwarded_signals();
    const int status = c.wait(wait);
    c.destroy();
    return status;
}

}  // namespace ocirun::cli
