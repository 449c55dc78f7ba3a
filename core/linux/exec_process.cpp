// linux_init::run_exec: the child side of `exec`. The forked child opens the init's namespace
// files, joins them (user first: it owns the others), then forks the real process into the pid
// namespace with CLONE_PARENT, so the runtime is its parent and can wait for it. That process
// sets itself up with the same steps as the init (process_setup, console, exec_handoff) and execs.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <exception>
#include <vector>

#include "linux/child_report.hpp"
#include "linux/container_init.hpp"
#include "linux/exec_process.hpp"
#include "linux/exec_trampoline.hpp"
#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {
namespace {

struct NamespaceFile {
    const char* name;  // under /proc/PID/ns/
    int flag;
};

// User first: joining it gives the capabilities the setns calls into the others need.
constexpr NamespaceFile kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
    {"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS},
};

bool same_file(int fd, const std::string& path) {
    struct stat a {}, b {};
    return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

// Joins every namespace of the init that differs from ours. All files are opened before any
// setns: after joining the mount namespace /proc is the container's. Returns whether a user
// namespace was joined.
// A container without a mount namespace of its own shares ours, so there is no setns(mnt) to
// put us in its root: we chroot into the init's root (/proc/PID/root) instead. runc 1.1 leaves
// such an exec'd process in the host's "/"; ocirun keeps it in the container's rootfs.
bool join_init_namespaces(pid_t init_pid) {
    struct Open {
        const NamespaceFile* ns;
        UniqueFd fd;
    };
    std::vector<Open> files;
    const std::string root_path = "/proc/" + std::to_string(init_pid) + "/root";
    UniqueFd init_root(::open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!init_root) throw sys_error("exec: open " + root_path);
    bool shares_mount_namespace = true;
    const std::string dir = "/proc/" + std::to_string(init_pid) + "/ns/";
    for (const auto& ns : kNamespaces) {
        UniqueFd fd(::open((dir + ns.name).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT) continue;  // the kernel lacks this namespace type
            throw sys_error("exec: open " + dir + ns.name);
        }
        // Already ours (the container shares it with the host): setns(user) would be EINVAL.
        if (same_file(fd.get(), std::string("/proc/self/ns/") + ns.name)) continue;
        if (ns.flag == CLONE_NEWNS) shares_mount_namespace = false;
        files.push_back({&ns, std::move(fd)});
    }
    bool joined_user = false;
    for (auto& f : files) {
        if (::setns(f.fd.get(), f.ns->flag) != 0)
            throw sys_error(std::string("exec: join the container's ") + f.ns->name + " namespace (setns " +
                            dir + f.ns->name + ")");
        if (f.ns->flag == CLONE_NEWUSER) joined_user = true;
    }
    if (shares_mount_namespace &&
        (::fchdir(init_root.get()) != 0 || ::chroot(".") != 0 || ::chdir("/") != 0))
        throw sys_error("exec: chroot into the container's root (" + root_path + ")");
    return joined_user;
}

void wait_for_go(int sync_fd) { expect_from_runtime(sync_fd, SyncMsg::kGo, "kGo", "exec sync"); }

// The grandchild: in every namespace of the container, already in its cgroup.
void set_up_and_exec(const ExecRequest& r, bool in_user_ns) {
    // Until execve it runs the runtime's image inside the container's pid namespace: nobody
    // there may ptrace it or open /proc/PID/exe (CVE-2019-5736).
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) throw sys_error("prctl(PR_SET_DUMPABLE)");
    wait_for_go(r.sync_fd);
    spec::Process process = *r.process;
    process.env = process_environment(process);  // HOME from the container's /etc/passwd

    apply_oom_score_adj(process);
    set_key_labels(r.lsm);
    join_session_keyring();
    // Not a new console mount: /dev/console stays the init's.
    if (process.terminal) setup_terminal(process, r.console_socket_fd, false);
    if (r.console_socket_fd >= 0) ::close(r.console_socket_fd);

    ExecHandoff handoff;
    handoff.preserve_fds = r.preserve_fds;
    handoff.sync_fd = r.sync_fd;
    handoff.lsm = &r.lsm;
    handoff.seccomp = r.seccomp;
    handoff.in_user_ns = in_user_ns;
    const ProcessReadyToExec ready = prepare_process_exec(process, handoff);
    // After the filter: write() only (docs/cli.md lists what follows it).
    report_ready(r.sync_fd);
    exec_process(ready.executable, process, ready.trampoline.get(), r.seccomp);
}

}  // namespace

[[noreturn]] void run_exec(const ExecRequest& request) {
    const int sync_fd = request.sync_fd;
    run_reporting_failure(sync_fd, "ocirun exec", "exec: unknown error", [&request, sync_fd] {
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) throw sys_error("prctl(PR_SET_DUMPABLE)");
        // Reports go out with write() (send_to_runtime): EPIPE, not death, when the runtime is
        // gone. exec_process resets it.
        ::signal(SIGPIPE, SIG_IGN);
        if (!request.process) throw Error("exec: no process");
        wait_for_go(sync_fd);
        // Into the container's cgroup while still in the host's namespaces (the grandchild
        // forked below inherits it).
        if (request.join_cgroup) request.join_cgroup->add_process(0);
        const bool in_user_ns = join_init_namespaces(request.init_pid);
        // Fork-like clone with CLONE_PARENT: the runtime, not this short-lived child, becomes
        // the parent, so it can waitpid() the process and get its exit status.
        long rc = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
        if (rc < 0) throw sys_error("exec: clone into the container's pid namespace");
        if (rc == 0)
            run_reporting_failure(sync_fd, "ocirun exec", "exec: unknown error",
                                  [&request, in_user_ns] { set_up_and_exec(request, in_user_ns); });
        send_msg(sync_fd, SyncMsg::kExecPid, std::to_string(rc));
        ::_exit(0);
    });
}

}  // namespace ocirun::linux_init
