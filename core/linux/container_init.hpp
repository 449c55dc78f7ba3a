// The container's init, child side: everything that runs between clone() and execve() inside
// the new namespaces. Called by core/container (parent side) in the cloned child; never returns.
//
// Sync protocol over `sync_fd` (SOCK_SEQPACKET, one message = one SyncMsg + optional text):
//   parent -> child  kBindSource+index [+fd]  (new user namespace only, before kGo) an O_PATH fd
//                                 of mounts[index].source, opened as host root inside the init's
//                                 mount namespace: the init binds it through /proc/self/fd
//   parent -> child  kGo [+fd]    uid/gid maps are written and the child is in its cgroup; with
//                                 the exec fifo's O_PATH fd in SCM_RIGHTS (create, not run)
//   child  -> parent kReady       all set up, about to block on the exec fifo (create done)
//   child  -> parent kError+text  setup failed; text is the user-facing error; child exits 1
//   child  -> parent kNotifyFd    (seccomp listener) one fd in SCM_RIGHTS, see issue 6
//   child  -> parent kExecPid+pid (exec only) host pid of the process it forked into the pid ns
//   child  -> parent kRunHooks    mounts are done, before pivot_root: run the prestart and
//                                 createRuntime hooks now (only sent when there are some)
//   parent -> child  kHooksDone   they succeeded; on failure the parent kills the child instead
//   parent -> child  kCgroupReady+saved  the cgroup made meanwhile (deferred cgroup, see below)
//   parent -> child  kStart       (start_on_sync only) go on to the startContainer hooks and exec
//   child  -> parent kError+text  (start_on_sync only, after kStart) a startContainer hook failed
// After kReady the child blocks opening the exec fifo for writing until `start` reads it,
// then execs process.args. With start_on_sync (`run`: the creating process starts it) there is
// no fifo: it waits for kStart instead, and the sync socket's EOF (close-on-exec) tells the
// runtime that process.args was exec'd.
// Exec fifo bytes (child -> `start`): kFifoReleased once start opened it; then the write end stays
// open (close-on-exec) while the startContainer hooks run, so its EOF tells `start` that
// process.args was exec'd; kFifoHookFailed instead when a startContainer hook failed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "linux/lsm_labels.hpp"
#include "ocirun/plugin.hpp"
#include "ocirun/spec.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {

enum class SyncMsg : std::uint32_t { kGo = 1, kReady = 2, kError = 3, kNotifyFd = 4, kExecPid = 5,
                             kRunHooks = 6, kHooksDone = 7, kCgroupReady = 8, kStart = 9,
                             kBindSource = 10 };

inline constexpr char kFifoReleased = 0;
inline constexpr char kFifoHookFailed = 1;

struct InitRequest {
    const spec::Spec* spec = nullptr;       // validated; process is present
    std::string rootfs;                     // absolute host path
    bool start_on_sync = false;             // no exec fifo (none comes with kGo): wait for kStart after kReady
    // CLONE_NEW* flags the init unshares itself, first thing, instead of clone() making them:
    // clone() then returns sooner and the runtime makes the cgroup while the kernel builds
    // these (a network namespace alone costs ~0.8 ms). 0 with a user ns or joined namespaces.
    int unshare_flags = 0;
    int sync_fd = -1;                       // child end of the socketpair
    int console_socket_fd = -1;             // connected --console-socket, or -1
    unsigned preserve_fds = 0;              // fds 3..3+N-1 pass through
    bool no_pivot = false;
    // No "mount" entry in linux.namespaces: the init shares the caller's mount namespace (as
    // runc does), so its mounts are the caller's too, "/" keeps its propagation and the rootfs
    // is entered with chroot (no pivot_root, no --no-pivot MS_MOVE over the caller's "/").
    bool shares_mount_namespace = false;
    bool no_new_keyring = false;
    bool user_namespace = false;            // a user ns was created: wait for kGo before setup
    const plugin::CompiledFilter* seccomp = nullptr;  // loaded last, after caps are dropped
    LsmLabels lsm;                          // process and mount labels, with their plugins
    // Set when the init joins its cgroup itself, first thing after kGo (cheaper than the
    // runtime moving it: see plugin::Cgroup::add_process); null when the runtime did.
    plugin::Cgroup* join_cgroup = nullptr;
    // Set instead when the runtime creates the cgroup while this init sets up its rootfs (the
    // two run on both cores): the init waits for kCgroupReady (the cgroup's saved form), opens
    // it through this driver and joins it before its first cgroup-dependent step.
    plugin::CgroupDriver* deferred_cgroup_driver = nullptr;
    const plugin::HostContext* host = nullptr;
    // For the state JSON the createContainer/startContainer hooks read on stdin.
    std::string container_id;
    std::string bundle;                     // absolute
};

// Runs the whole child-side setup and execs. Never returns: on error, sends kError with the
// message and _exit(1)s.
[[noreturn]] void run(const InitRequest& request);

// Helpers shared with the parent side (and later with `exec`).
void send_msg(int fd, SyncMsg msg, const std::string& text = {}, int pass_fd = -1);
// Child side, for messages without an fd: writev() only (no sendmsg, which a seccomp profile may
// refuse once the filter is loaded). The child ignores SIGPIPE until exec_process resets every
// disposition, so a runtime that went away gives EPIPE, thrown.
void send_to_runtime(int fd, SyncMsg msg, const std::string& text = {});
// Returns false on EOF. `text` receives the payload; `received_fd` an SCM_RIGHTS fd or -1.
bool recv_msg(int fd, SyncMsg& msg, std::string& text, int* received_fd = nullptr);
// Child side: the next message from the runtime, which must be `expected`; returns its text (its
// fd, if any, in `fd` when asked for; without `fd` it uses read() only, see send_to_runtime). EOF means the runtime went away (its create, run or exec
// failed): nobody is left to report to, so the child _exit(1)s. Another message throws
// "CHANNEL: expected NAME from the runtime, got message N".
std::string expect_from_runtime(int sync_fd, SyncMsg expected, const char* name, const char* channel = "sync",
                                UniqueFd* fd = nullptr);

}  // namespace ocirun::linux_init
