// linux_init::run: the ordered child-side sequence between clone() and execve(). Each step lives
// in its own file (see init_steps.hpp); this file only decides the order, which matters:
//   [unshare_flags] -> kGo (maps written, in the cgroup) -> join path namespaces -> become root of the user ns
//   -> hostname -> mounts (rootfs, spec mounts [kCgroupReady: join the cgroup the runtime made
//   meanwhile, before the cgroup mount], /dev) -> prestart/createRuntime hooks (in the
//   runtime, kRunHooks) -> createContainer hooks -> pivot_root (chroot without a mount
//   namespace) -> stdio on /dev/null re-opened -> terminal or setsid -> sysctl -> readonly/masked paths -> read-only /dev, root
//   -> process attributes -> rlimits
//   -> trampoline memfd, close fds -> [seccomp without no_new_privs] -> user, caps
//   -> no_new_privs -> exec lookup -> [seccomp with no_new_privs] -> kReady
//   -> exec fifo (or kStart) -> startContainer hooks -> execve.
// After the seccomp filter only what runc 1.1 also needs follows (docs/cli.md lists it): the
// sync socket is used with write()/read() only, fds were closed before it.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <exception>

#include "linux/child_report.hpp"
#include "linux/container_init.hpp"
#include "linux/exec_trampoline.hpp"
#include "linux/init_steps.hpp"
#include "linux/syscall_filter_install.hpp"
#include "ocirun/error.hpp"
#include "util/fault.hpp"
#include "util/hooks.hpp"

namespace ocirun::linux_init {
namespace {

// Returns the exec fifo's O_PATH fd that comes with kGo (none for `run`). Kept open: an init
// whose user ns cannot search the (0700) state root still reopens the fifo through it.
// Before kGo, an init in a new user namespace may get kBindSource messages: the bind sources
// the runtime opened for it, stored in `bind_sources` at their mount's index.
UniqueFd wait_for_go(int sync_fd, BindSources& bind_sources) {
    for (;;) {
        SyncMsg msg{};
        std::string text;
        int received = -1;
        if (!recv_msg(sync_fd, msg, text, &received)) ::_exit(1);  // the runtime went away
        UniqueFd fd(received);
        if (msg == SyncMsg::kGo) return fd;
        if (msg != SyncMsg::kBindSource || !fd)
            throw Error("sync: expected kGo from the runtime, got message " + std::to_string(static_cast<unsigned>(msg)));
        const std::size_t index = std::stoul(text);
        if (bind_sources.size() <= index) bind_sources.resize(index + 1);
        bind_sources[index] = std::move(fd);
    }
}

// The runtime made the cgroup while we prepared the rootfs: its saved form comes with
// kCgroupReady. No process of the container has run yet, so joining now is as good as first.
void join_deferred_cgroup(const InitRequest& r) {
    const std::string saved = expect_from_runtime(r.sync_fd, SyncMsg::kCgroupReady, "kCgroupReady");
    r.deferred_cgroup_driver->open(saved, *r.host)->add_process(0);
}

void become_root_in_user_ns() {
    if (::setresgid(0, 0, 0) != 0)
        throw sys_error("config.json: linux.gidMappings: setresgid(0) in the user namespace (is gid 0 mapped?)");
    if (::setresuid(0, 0, 0) != 0)
        throw sys_error("config.json: linux.uidMappings: setresuid(0) in the user namespace (is uid 0 mapped?)");
}

// A new cgroup namespace is rooted where its creator is, so it is made here, once we are in
// the container's cgroup (the runtime never passes CLONE_NEWCGROUP to clone()).
void enter_new_cgroup_ns(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    for (const auto& ns : spec.linuxSection->namespaces) {
        if (ns.type != "cgroup" || !ns.path.empty()) continue;
        if (::unshare(CLONE_NEWCGROUP) != 0) throw sys_error("config.json: linux.namespaces (cgroup): unshare");
        return;
    }
}

// Without a mount namespace of its own, "/" is the caller's: never pivoted nor moved over
// (with or without --no-pivot), only chrooted into.
RootEntry root_entry(const InitRequest& r) {
    if (r.shares_mount_namespace) return RootEntry::kChroot;
    return r.no_pivot ? RootEntry::kMoveAndChroot : RootEntry::kPivotRoot;
}

void set_names(const spec::Spec& spec) {
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0)
        throw sys_error("config.json: hostname: sethostname");
    if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) != 0)
        throw sys_error("config.json: domainname: setdomainname");
}

hooks::HookState hook_state(const InitRequest& r, const char* status) {
    hooks::HookState st;
    st.id = r.container_id;
    st.status = status;
    st.pid = ::getpid();  // as runc: the pid in the container's pid namespace
    st.bundle = r.bundle;
    st.annotations = r.spec->annotations;
    return st;
}

// Mounts are done and "/" is still the host's: prestart and createRuntime run now in the runtime
// (which sees the host and knows our host pid), then createContainer here, in our namespaces,
// with the rootfs as cwd (runc's order; the old root stays reachable for mount manipulations).
void run_create_hooks(const InitRequest& r) {
    if (!r.spec->hooks) return;
    const spec::Hooks& hooks = *r.spec->hooks;
    if (!hooks.prestart.empty() || !hooks.createRuntime.empty()) {
        send_msg(r.sync_fd, SyncMsg::kRunHooks);
        expect_from_runtime(r.sync_fd, SyncMsg::kHooksDone, "kHooksDone");
    }
    hooks::run_hooks(hooks.createContainer, hook_state(r, "creating"), {r.rootfs});
}

// After start released us, just before execve, in the container (after pivot_root, as the
// container's user). On failure `start` learns it from the fifo (or the sync socket) and skips
// poststart.
void run_start_container_hooks(const InitRequest& r, int released_fifo) {
    if (!r.spec->hooks || r.spec->hooks->startContainer.empty()) return;
    try {
        hooks::run_hooks(r.spec->hooks->startContainer, hook_state(r, "created"));
    } catch (const std::exception& e) {
        ::signal(SIGPIPE, SIG_IGN);  // `start` may have closed its end already; we exit next
        if (released_fifo >= 0) {
            ssize_t ignored = ::write(released_fifo, &kFifoHookFailed, 1);
            (void)ignored;
        } else if (r.start_on_sync) {
            try {
                send_to_runtime(r.sync_fd, SyncMsg::kError, e.what());
            } catch (...) {
            }
        }
        throw;
    }
}

void run_steps(const InitRequest& r) {
    // Until exec, nobody in the container may ptrace us or read our memory and fds. In a new user
    // namespace only from kGo on: a non-root runtime must open our /proc files (setgroups, id
    // maps, newuidmap's checks) first, which non-dumpable would give to an unmapped root (runc too).
    auto become_undumpable = [] {
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) throw sys_error("prctl(PR_SET_DUMPABLE)");
    };
    if (!r.user_namespace) become_undumpable();
    // The sync socket is written with write() (see send_to_runtime): a runtime gone away must
    // give EPIPE, not kill us. exec_process resets it.
    ::signal(SIGPIPE, SIG_IGN);
    if (!r.spec || !r.spec->process) throw Error("config.json: process: missing");
    const spec::Spec& spec = *r.spec;
    spec::Process process = *spec.process;  // its env is completed once the rootfs is "/"

    if (r.unshare_flags != 0 && ::unshare(r.unshare_flags) != 0)
        throw sys_error("config.json: linux.namespaces: unshare");
    BindSources bind_sources;
    UniqueFd fifo = above_preserved_fds(wait_for_go(r.sync_fd, bind_sources), r.preserve_fds);
    if (r.user_namespace) become_undumpable();
    fault::point("init-go-received");
    if (!r.deferred_cgroup_driver) {
        if (r.join_cgroup) r.join_cgroup->add_process(0);  // before anything else runs here
        apply_initial_cpu_affinity(process);  // after the join: a cpuset would reset it
    }
    const bool joined_user = join_path_namespaces(spec);
    const bool in_user_ns = r.user_namespace || joined_user;
    if (in_user_ns) become_root_in_user_ns();
    if (!r.deferred_cgroup_driver) enter_new_cgroup_ns(spec);
    enter_new_time_namespace(spec);
    set_names(spec);

    apply_oom_score_adj(process);
    if (!r.no_new_keyring) {
        set_key_labels(r.lsm);
        join_session_keyring();
    }

    {
        UniqueFd root = prepare_rootfs(spec, r.rootfs, r.shares_mount_namespace);
        // The cgroup the runtime made meanwhile: joined as late as possible (so that the two
        // overlap the most), before the first step that depends on it: the cgroup mount, or
        // else right after the mounts (devices, hooks and the process come later).
        bool cgroup_joined = false;
        auto join_cgroup = [&] {
            if (!r.deferred_cgroup_driver || cgroup_joined) return;
            cgroup_joined = true;
            join_deferred_cgroup(r);
            apply_initial_cpu_affinity(process);
            enter_new_cgroup_ns(spec);
        };
        mount_spec_mounts(spec, root.get(), r, bind_sources, join_cgroup);
        bind_sources.clear();
        join_cgroup();
        fault::point("init-mounts-done");
        const bool setup_dev = !dev_is_bind_mounted(spec);
        if (setup_dev) {
            create_default_devices(root.get(), in_user_ns);
            create_spec_devices(spec, root.get(), in_user_ns);
            create_dev_symlinks(root.get());
        }
        make_cwd(process, root.get());
        run_create_hooks(r);
        enter_rootfs(spec, root.get(), root_entry(r));
        fault::point("init-rootfs-entered");
        if (setup_dev) reopen_dev_null_stdio();  // before the terminal replaces fds 0..2
        if (process.terminal) setup_terminal(process, r.console_socket_fd, setup_dev);
        // Like runc, the container's process leads its own session (setup_terminal made one
        // above): CRIU refuses to dump a tree whose session leader is outside its pid namespace.
        else if (::setsid() < 0 && errno != EPERM) throw sys_error("setsid");
    }
    apply_sysctls(spec);
    apply_readonly_paths(spec);
    apply_masked_paths(spec);
    remount_dev_readonly(spec);
    if (spec.root && spec.root->readonly) remount_root_readonly();
    process.env = process_environment(process);  // HOME from the container's /etc/passwd

    apply_personality(spec);
    ExecHandoff handoff;
    handoff.preserve_fds = r.preserve_fds;
    handoff.sync_fd = r.sync_fd;
    handoff.keep_until_exec = fifo.get();
    handoff.lsm = &r.lsm;
    handoff.seccomp = r.seccomp;
    handoff.filter_error_prefix = "config.json: linux.seccomp: ";
    handoff.in_user_ns = in_user_ns;
    const ProcessReadyToExec ready = prepare_process_exec(process, handoff);
    fault::point("init-before-ready");
    report_ready(r.sync_fd);
    fault::point("init-ready-sent");
    UniqueFd released;
    if (fifo) {
        // open + write after the filter, as runc 1.1 (which opens its fifo there as well).
        released = wait_for_start_keep_open(fifo.get());
        fifo.reset();  // no fd to the host's state dir across execve (runc: CVE-2016-9962)
    } else if (r.start_on_sync) {
        // The creating process sends kStart once it recorded the container.
        expect_from_runtime(r.sync_fd, SyncMsg::kStart, "kStart");
    }
    run_start_container_hooks(r, released.get());
    exec_process(ready.executable, process, ready.trampoline.get(), r.seccomp);
}

}  // namespace

[[noreturn]] void run(const InitRequest& request) {
    run_reporting_failure(request.sync_fd, "ocirun init", "container init: unknown error",
                          [&request] { run_steps(request); });
}

}  // namespace ocirun::linux_init
