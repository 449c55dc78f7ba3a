// Internal to core/linux: the steps linux_init::run performs, one concern per source file.
// Every step throws ocirun::Error whose text names the config.json field at fault; run()
// turns it into kError. All fds opened here are O_CLOEXEC so nothing leaks into the container.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "linux/container_init.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

// namespaces.cpp — setns into every linux.namespaces entry with a path (user first).
// Returns true when a user namespace was joined.
bool join_path_namespaces(const spec::Spec& spec);
// A "time" namespace without a path: unshared by the init itself so linux.timeOffsets can be
// written first (a no-op when clone() already made one and there are no offsets).
void enter_new_time_namespace(const spec::Spec& spec);

// rootfs.cpp — mount propagation of "/", the rootfs bind onto itself, the spec mounts.
// Returns an O_PATH fd of the rootfs mount (the one later pivoted into). Without a mount
// namespace of its own (`shares_mount_namespace`) "/" is the caller's: its propagation is left alone.
UniqueFd prepare_rootfs(const spec::Spec& spec, const std::string& rootfs, bool shares_mount_namespace);
// Per config.json mount (same index): an O_PATH fd of its bind source that the runtime opened
// as host root (kBindSource, user namespace only), bound through /proc/self/fd; empty: the
// init opens the source path itself.
using BindSources = std::vector<UniqueFd>;
// `before_cgroup_mount` runs once, before the first mount of type "cgroup" (which shows the
// caller's own cgroup, so the caller must be in it by then).
void mount_spec_mounts(const spec::Spec& spec, int root_fd, const InitRequest& request,
                       const BindSources& bind_sources,
                       const std::function<void()>& before_cgroup_mount = {});
// True when the spec bind-mounts something over /dev (then runc leaves /dev alone).
bool dev_is_bind_mounted(const spec::Spec& spec);
// A /dev mount (not a bind) with "ro" is mounted read-write and made read-only here, once its
// mount points, device nodes and /dev/console exist (after enter_rootfs and the terminal).
void remount_dev_readonly(const spec::Spec& spec);

// cgroup_mount.cpp — a mount of type "cgroup": the container's cgroups under the destination.
void mount_cgroup_tree(const spec::Spec& spec, int root_fd, const std::string& destination,
                       unsigned long flags, const std::string& where);

// devices.cpp — default device nodes, /dev symlinks and linux.devices.
void create_default_devices(int root_fd, bool in_user_ns);
void create_dev_symlinks(int root_fd);
void create_spec_devices(const spec::Spec& spec, int root_fd, bool in_user_ns);

// pivot.cpp — make the rootfs "/", then apply propagation.
enum class RootEntry {
    kPivotRoot,      // the default: pivot_root, the old root detached
    kMoveAndChroot,  // --no-pivot: host proc/sysfs mounts detached, MS_MOVE over "/", chroot
    kChroot,         // no mount namespace of its own: chroot only (runc's fallback there)
};
void enter_rootfs(const spec::Spec& spec, int root_fd, RootEntry how);
void remount_root_readonly();

// masked_paths.cpp — linux.maskedPaths and linux.readonlyPaths (run after enter_rootfs).
void apply_readonly_paths(const spec::Spec& spec);
void apply_masked_paths(const spec::Spec& spec);

// sysctl.cpp — linux.sysctl written under /proc/sys (after enter_rootfs).
void apply_sysctls(const spec::Spec& spec);

// console.cpp — process.terminal: a pty from the container's devpts, master sent over the
// console socket, slave made the controlling terminal and fds 0..2.
void setup_terminal(const spec::Process& process, int console_socket_fd, bool mount_console);

// stdio_dev_null.cpp — fds 0..2 on the caller's /dev/null re-opened on the container's (after
// enter_rootfs, when the runtime made /dev), so that none refers to a mount of the host.
void reopen_dev_null_stdio();

// exec_fifo.cpp — blocks until `start` opens the fifo (reached through its O_PATH fd, which
// came with kGo), writes kFifoReleased and returns the write end (O_CLOEXEC): kept open until
// execve, its EOF tells `start` that process.args runs (see container_init.hpp).
UniqueFd wait_for_start_keep_open(int fifo_path_fd);

// process_setup.cpp — identity and limits of the container process.
void apply_rlimits(const spec::Process& process);
void apply_oom_score_adj(const spec::Process& process);
void join_session_keyring();
void apply_user_and_capabilities(const spec::Process& process, bool in_user_ns);
void apply_no_new_privileges(const spec::Process& process);
void apply_umask(const spec::Process& process);
void apply_process_attributes(const spec::Process& process);
void apply_personality(const spec::Spec& spec);
// process_env.cpp — process.env as the process gets it (runc's rules): a repeated name keeps
// its first position and last value; HOME, unset or empty, from the container's /etc/passwd
// entry of process.user.uid ("/" without one). Reads /etc/passwd of the current root.
std::vector<std::string> process_environment(const spec::Process& process);
// process_scheduling.cpp — process.scheduler, process.ioPriority, process.execCPUAffinity.
// The initial affinity is set first thing in the init; apply_process_attributes does the rest.
void apply_scheduler(const spec::Process& process);
void apply_io_priority(const spec::Process& process);
void apply_initial_cpu_affinity(const spec::Process& process);
void apply_final_cpu_affinity(const spec::Process& process);
// cwd: created inside the container like runc (mkdir -p) before pivot, entered after the user
// switch; `make_cwd` takes the rootfs fd.
void make_cwd(const spec::Process& process, int root_fd);
void enter_cwd(const spec::Process& process);

// exec_handoff.cpp — shared by the init and exec. load_syscall_filter: linux.seccomp loaded
// into this process; a listener fd (SCMP_ACT_NOTIFY) goes to the runtime as kNotifyFd.
// hand_over_fds: only fds 0..2 and the preserved ones stay open, and those without FD_CLOEXEC.
// Called before the filter is loaded (close_range is missing from strict profiles): whatever
// is opened later is close-on-exec.
void load_syscall_filter(const plugin::CompiledFilter& filter, int sync_fd);
// `keep_until_exec`: close-on-exec fds above the preserved ones (see above_preserved_fds) that
// stay open until execve (the released exec fifo, the trampoline memfd); -1 entries are ignored.
void hand_over_fds(unsigned preserve_fds, std::initializer_list<int> keep_until_exec = {});
// `fd` moved (dup'd close-on-exec) above fds 3..3+preserve_fds-1 if it sits among them.
UniqueFd above_preserved_fds(UniqueFd fd, unsigned preserve_fds);

// What the init and an exec'd process pass to prepare_process_exec (exec_handoff.cpp).
struct ExecHandoff {
    unsigned preserve_fds = 0;
    int sync_fd = -1;                  // stays open (close-on-exec); a listener goes out as kNotifyFd
    int keep_until_exec = -1;          // one more close-on-exec fd kept (the init's exec fifo), or -1
    const LsmLabels* lsm = nullptr;    // exec labels, set before any filter
    const plugin::CompiledFilter* seccomp = nullptr;
    const char* filter_error_prefix = "";  // put before a refused filter load's error
    bool in_user_ns = false;
};
struct ProcessReadyToExec {
    std::string executable;  // process.args[0] looked up
    UniqueFd trampoline;     // the sealed exec trampoline, for exec_process
};
// The process's own steps up to just before kReady, in runc's order and the same for the init
// and `exec`: attributes, umask, cwd (tried before and after the user switch), rlimits, the
// trampoline (before any filter: a profile may refuse memfd_create), the fds handed over (before
// any filter: a profile may refuse close_range), exec labels, the filter (before the capabilities
// are dropped unless noNewPrivileges: the kernel then wants CAP_SYS_ADMIN), user and
// capabilities, no_new_privs, the executable looked up (so that create, not start, fails on a
// missing program).
ProcessReadyToExec prepare_process_exec(const spec::Process& process, const ExecHandoff& handoff);

// exec_lookup.cpp — process.args[0] resolved like runc (Go's exec.LookPath with process.env's PATH).
std::string find_executable(const spec::Process& process);
// `trampoline_fd`: the sealed trampoline (make_sealed_trampoline), made before the seccomp filter
// is loaded so that a profile refusing memfd_create does not stop the exec; -1: made here.
// `filter`: the container's filter, already loaded (it decides execveat or execve, see
// exec_through_trampoline). After the filter only rt_sigprocmask, rt_sigaction, the exec calls
// and, on failure, write and exit_group are made here.
[[noreturn]] void exec_process(const std::string& path, const spec::Process& process, int trampoline_fd = -1,
                               const plugin::CompiledFilter* filter = nullptr);

}  // namespace ocirun::linux_init
