// `exec`, child side: the process the runtime forks joins a running container's namespaces,
// forks once more (a pid namespace only applies to children) and that grandchild, the real
// process, sets itself up like the container's init does (process_setup, console, seccomp) and
// execs. Sync protocol over `sync_fd` (SOCK_SEQPACKET, see container_init.hpp):
//   parent -> child       kGo        the forked child is in the container's cgroup
//   child  -> parent      kExecPid   text: host pid of the grandchild; the child then exits 0
//   parent -> grandchild  kGo        the grandchild is in its (--cgroup) sub-cgroups
//   grandchild -> parent  kNotifyFd  seccomp listener, when the filter has SCMP_ACT_NOTIFY
//   grandchild -> parent  kReady     about to execve (fds closed and filter loaded before)
//   either     -> parent  kError+text
#pragma once

#include <sys/types.h>

#include "ocirun/plugin.hpp"
#include "linux/lsm_labels.hpp"
#include "ocirun/spec.hpp"

namespace ocirun::linux_init {

struct ExecRequest {
    pid_t init_pid = 0;                      // whose /proc/PID/ns/* are joined
    const spec::Process* process = nullptr;  // validated; args non-empty
    int sync_fd = -1;                        // child end of the socketpair
    int console_socket_fd = -1;              // connected --console-socket, or -1
    unsigned preserve_fds = 0;               // fds 3..3+N-1 pass through
    const plugin::CompiledFilter* seccomp = nullptr;  // the container's linux.seccomp
    LsmLabels lsm;                           // the process's labels, with their plugins
    plugin::Cgroup* join_cgroup = nullptr;   // joined by the child itself after kGo (may be null)
};

// Runs in the child the runtime forked (single-threaded). Never returns: errors go to the
// parent as kError and the process _exit(1)s.
[[noreturn]] void run_exec(const ExecRequest& request);

}  // namespace ocirun::linux_init
