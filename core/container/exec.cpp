// Container::exec, parent side: check the container can take a process (runc's texts), compile
// its seccomp filter, fork the child that joins the init's namespaces (core/linux/exec_process),
// put it in the container's cgroup before any user code runs, and run the sync protocol until
// the real process (the child's CLONE_PARENT grandchild, so our own child) is about to execve.
#include <linux/close_range.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <optional>

#include "container/child_reports.hpp"
#include "container/console_socket.hpp"
#include "container/container_record.hpp"
#include "container/init_waiter.hpp"
#include "container/lsm_choice.hpp"
#include "container/process_info.hpp"
#include "container/state_rules.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "container/syscall_filter.hpp"
#include "container/terminal_proxy.hpp"
#include "linux/capabilities.hpp"
#include "linux/container_init.hpp"
#include "linux/exec_process.hpp"
#include "ocirun/ocirun.hpp"
#include "ocirun_host/sub_cgroup.hpp"
#include "spec/spec_json.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {
namespace {

spec::Spec load_stored_config(const state::StoredState& st) {
    if (st.config_file.empty())
        throw Error("container " + st.id + ": its state has no copy of config.json");
    return spec::parse_config(fileio::read_file(st.config_file), st.config_file);
}

// The checks runc's validateProcessSpec makes, with its texts.
void validate_exec_process(const spec::Process& p) {
    if (p.cwd.empty()) throw Error("Cwd property must not be empty");
    if (p.cwd.front() != '/') throw Error("Cwd must be an absolute path");
    if (p.args.empty()) throw Error("args must not be empty");
}

// In the forked child: nothing of the runtime but stdio, the preserved fds, the sync socket and
// the console socket survives (in particular not the state dir's flock).
void close_fds_except(unsigned preserve_fds, std::vector<int> keep) {
    for (unsigned fd = 0; fd < 3u + preserve_fds; ++fd) keep.push_back(static_cast<int>(fd));
    keep.erase(std::remove(keep.begin(), keep.end(), -1), keep.end());
    std::sort(keep.begin(), keep.end());
    unsigned next = 0;
    for (int fd : keep) {
        if (static_cast<unsigned>(fd) > next) ::syscall(SYS_close_range, next, fd - 1, 0);
        next = static_cast<unsigned>(fd) + 1;
    }
    ::syscall(SYS_close_range, next, UINT_MAX, 0);
}

// Before anything is started: every --cgroup path must stay inside the container's cgroup
// (runc's check and text, which it makes before it starts the process).
void check_sub_cgroup_paths(const plugin::Cgroup& cgroup, const std::map<std::string, std::string>& sub_paths) {
    const auto paths = cgroup.paths();
    for (const auto& [controller, sub] : sub_paths) {
        if (!controller.empty() && !paths.count(controller))
            throw Error("--cgroup " + controller + ":" + sub + ": the container has no cgroup for controller " +
                        controller);
    }
    for (const auto& [dir, sub] : host::sub_cgroup_choices(paths, sub_paths))
        if (!host::sub_cgroup_dir(dir, sub))
            throw Error("unable to create new parent process: " + sub + " is not a sub cgroup path");
}

struct ExecPlan {
    spec::Spec config;
    std::optional<plugin::CompiledFilter> seccomp;
    linux_init::LsmLabels lsm;
};

// What the exec'd process reports while it sets up, besides kReady, kError and its seccomp
// listener: kExecPid (its host pid, stored in `pid`), answered with kGo once it is in its
// --cgroup sub-cgroups.
container::ChildReports exec_reports(const ExecPlan& plan, const state::StoredState& st, const ExecOptions& opts,
                                     plugin::Cgroup* cgroup, int sync_fd, pid_t& pid) {
    container::ChildReports reports;
    reports.sender = "exec: the process";
    reports.seccomp = plan.seccomp ? &*plan.seccomp : nullptr;
    reports.agent_state = [&pid, &st] {
        container::SeccompAgentState s;  // the agent sees the container running
        s.pid = pid;
        s.id = st.id;
        s.status = "running";
        s.init_pid = st.init_pid;
        s.bundle = st.bundle;
        s.annotations = st.annotations;
        return s;
    };
    reports.on_report = [&pid, &st, &opts, cgroup, sync_fd](linux_init::SyncMsg msg, const std::string& text) {
        if (msg != linux_init::SyncMsg::kExecPid) return false;
        pid = static_cast<pid_t>(std::stol(text));
        if (!opts.cgroup_paths.empty()) cgroup->add_process_to_sub(pid, opts.cgroup_paths);
        linux_init::send_msg(sync_fd, linux_init::SyncMsg::kGo);
        fault::point("exec-pid-received", st.init_pid);
        return true;
    };
    return reports;
}

}  // namespace

spec::Spec Container::config() const {
    state::StateStore store(rec_->root);
    store.require_present(rec_->id);
    auto dir = store.open(rec_->id);
    return load_stored_config(dir.load());
}

pid_t Container::exec(const ExecOptions& opts) {
    state::StateStore store(rec_->root);
    store.require_present(rec_->id);
    // Held until the process runs: delete cannot remove the container under us meanwhile.
    std::optional<state::ContainerDir> dir(store.open(rec_->id));
    const state::StoredState st = dir->load();
    rec_->cached = st;
    auto cgroup = container::open_stored_cgroup(st, *rec_->plugins, rec_->host);
    const Status status = container::derive_status(st, dir->path(), cgroup.get());
    log::debug("exec ", st.id, ": container ", to_string(status));
    container::require_allowed(opts.ignore_paused ? container::Operation::ExecIgnorePaused : container::Operation::Exec,
                               status, st.id);
    // --ignore-paused: the process freezes as soon as it joins the frozen cgroup and waits for
    // `resume`, which needs this lock.
    if (status == Status::Paused) dir.reset();

    const spec::Process& process = opts.process;
    validate_exec_process(process);
    linux_init::warn_unavailable_capabilities(process);
    if (process.terminal && opts.console_socket.empty() && opts.console_socket_fd < 0)
        throw Error("exec: process.terminal needs a console socket to send the pty master to "
                    "(--console-socket, or the foreground proxy's socketpair)");
    ExecPlan plan;
    plan.config = load_stored_config(st);
    if (plan.config.linuxSection && plan.config.linuxSection->seccomp)
        plan.seccomp = compile_syscall_filter(*rec_->plugins, *plan.config.linuxSection->seccomp);
    // The container's LSM annotations confine an exec'd process too (it joins by setns, so it
    // inherits nothing from the init's Landlock domain, say).
    plan.lsm = container::choose_lsm_labels(*rec_->plugins, process, "", plan.config.annotations, "exec: ");
    if (!opts.cgroup_paths.empty() && !cgroup)
        throw Error("--cgroup: container " + st.id + " has no cgroup (no cgroup driver plugin was installed when it was created)");
    if (!opts.cgroup_paths.empty()) check_sub_cgroup_paths(*cgroup, opts.cgroup_paths);

    UniqueFd console;
    if (process.terminal) console = container::open_console_socket(opts.console_socket, opts.console_socket_fd);

    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw sys_error("exec: socketpair");
    UniqueFd parent_end(sv[0]);
    UniqueFd child_end(sv[1]);

    const pid_t child = ::fork();
    if (child < 0) throw sys_error("exec: fork");
    if (child == 0) {
        linux_init::ExecRequest req;
        req.init_pid = st.init_pid;
        req.process = &process;
        req.sync_fd = child_end.get();
        req.console_socket_fd = console ? console.get() : -1;
        req.preserve_fds = opts.preserve_fds;
        req.seccomp = plan.seccomp ? &*plan.seccomp : nullptr;
        req.lsm = plan.lsm;
        req.join_cgroup = cgroup.get();  // the child joins itself after kGo (cheaper, see plugin.hpp)
        close_fds_except(opts.preserve_fds, {req.sync_fd, req.console_socket_fd});
        linux_init::run_exec(req);  // never returns
    }
    child_end.reset();  // EOF once both the child and the grandchild are gone
    fault::point("exec-forked", st.init_pid);
    console.reset();

    pid_t pid = 0;
    try {
        linux_init::send_msg(parent_end.get(), linux_init::SyncMsg::kGo);
        container::read_child_reports_until_ready(
            parent_end.get(), exec_reports(plan, st, opts, cgroup.get(), parent_end.get(), pid));
        if (pid <= 0) throw Error("exec: the process was ready before reporting its pid");
        fault::point("exec-ready", st.init_pid);
        log::debug("exec ", st.id, ": process ", pid, " started");
        int child_status = 0;
        while (::waitpid(child, &child_status, 0) < 0 && errno == EINTR) {
        }
        if (!opts.pid_file.empty())
            fileio::write_atomic(fs::absolute(opts.pid_file), std::to_string(pid), false, 0644);
    } catch (...) {
        container::kill_and_reap(pid);
        container::kill_and_reap(child);
        throw;
    }
    return pid;
}

int Container::wait_exec(pid_t pid, const WaitOptions& opts) {
    const int status = opts.terminal_master >= 0
                           ? container::proxy_terminal_until_exit(opts.terminal_master, pid, false)
                           : container::wait_for_init(pid, opts.forward_signals, false);
    log::debug("exec ", rec_->id, ": process ", pid, " exited, status ", status);
    return status;
}

}  // namespace ocirun
