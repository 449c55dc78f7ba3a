#include "container/init_launcher.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "container/child_reports.hpp"
#include "container/init_waiter.hpp"
#include "linux/id_mapping.hpp"
#include "linux/mount_options.hpp"
#include "ocirun/error.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"
#include "util/hooks.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::container {
namespace {

// The child inherits every fd of the parent. Close all but stdio, the preserved fds and the
// ones the init needs: in particular the state dir's flock fd, which would otherwise keep the
// container locked until the init execs.
void close_unneeded_fds(const linux_init::InitRequest& req) {
    std::vector<unsigned> keep;
    for (unsigned fd = 0; fd < 3u + req.preserve_fds; ++fd) keep.push_back(fd);
    if (req.sync_fd >= 0) keep.push_back(static_cast<unsigned>(req.sync_fd));
    if (req.console_socket_fd >= 0) keep.push_back(static_cast<unsigned>(req.console_socket_fd));
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
    unsigned next = 0;
    for (unsigned fd : keep) {
        if (fd > next) ::syscall(SYS_close_range, next, fd - 1, 0);
        next = fd + 1;
    }
    ::syscall(SYS_close_range, next, UINT_MAX, 0);
}

// The init moves itself into its cgroup right after kGo (plugin::Cgroup::add_process(0): no
// global threadgroup lock, no RCU grace period). Not when it is in a new user namespace: there
// it cannot write the host's cgroup files, so the runtime moves it.
bool child_joins_cgroup(const LaunchRequest& req) {
    return req.cgroup != nullptr && (req.clone_flags & CLONE_NEWUSER) == 0;
}

// Direct writes or newuidmap/newgidmap, as planned before clone() (linux/id_mapping.hpp).
void write_id_maps(pid_t pid, const LaunchRequest& req) {
    if (req.init.spec->linuxSection) linux_init::write_id_maps(pid, *req.init.spec->linuxSection, req.id_maps);
}

// The child's mounts are done (kRunHooks): prestart (deprecated, still run like runc) and
// createRuntime run here, in the runtime's namespaces, with the bundle as cwd like runc's.
void run_runtime_create_hooks(pid_t pid, const LaunchRequest& req) {
    const spec::Hooks* spec_hooks = req.init.spec->hooks ? &*req.init.spec->hooks : nullptr;
    if (!spec_hooks) return;
    hooks::HookState st;
    st.id = req.container_id;
    st.status = "creating";
    st.pid = pid;
    st.bundle = req.bundle;
    st.annotations = req.annotations;
    hooks::run_hooks(spec_hooks->prestart, st, {req.bundle});
    hooks::run_hooks(spec_hooks->createRuntime, st, {req.bundle});
}

// What the init reports while it sets up, besides kReady, kError and its seccomp listener.
ChildReports init_reports(pid_t pid, const LaunchRequest& req, int sync_fd) {
    ChildReports reports;
    reports.sender = "container init";
    reports.seccomp = req.init.seccomp;
    reports.agent_state = [pid, &req] {
        SeccompAgentState st;  // the agent sees the container as `ocirun state` would: creating
        st.pid = pid;
        st.id = req.container_id;
        st.status = "creating";
        st.init_pid = pid;
        st.bundle = req.bundle;
        st.annotations = req.annotations;
        return st;
    };
    reports.on_report = [pid, &req, sync_fd](linux_init::SyncMsg msg, const std::string&) {
        if (msg != linux_init::SyncMsg::kRunHooks) return false;
        run_runtime_create_hooks(pid, req);  // throws: the child is killed
        linux_init::send_msg(sync_fd, linux_init::SyncMsg::kHooksDone);
        return true;
    };
    return reports;
}

// An init in a new user namespace mounts as its mapped root, an unprivileged uid on the host,
// which may not reach a bind source (say, one under a 0700 directory of the host's root). As runc
// does, the runtime opens the sources for it: a short-lived helper joins the init's new mount
// namespace (so that each fd's mount is the init's copy, with the flags the kernel locked there)
// and, as host root, opens every absolute bind source O_PATH and sends it with kBindSource before
// kGo. A source that cannot be opened (missing...) is left to the init, whose error names the mount;
// so are all of them when the helper may not join that namespace.
void send_bind_sources(pid_t init_pid, int sync_fd, const LaunchRequest& req) {
    std::vector<std::size_t> wanted;
    const auto& mounts = req.init.spec->mounts;
    for (std::size_t i = 0; i < mounts.size(); ++i) {
        const spec::Mount& m = mounts[i];
        const linux_init::ParsedMountOptions opts = linux_init::parse_mount_options(m.options);
        const bool idmapped = opts.idmap || !m.uidMappings.empty() || !m.gidMappings.empty();
        if ((m.type == "bind" || opts.is_bind()) && !idmapped && !m.source.empty() && m.source[0] == '/')
            wanted.push_back(i);
    }
    if (wanted.empty()) return;
    UniqueFd mount_ns(::open(("/proc/" + std::to_string(init_pid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
    if (!mount_ns) throw sys_error("open the container init's mount namespace");
    const pid_t helper = ::fork();
    if (helper < 0) throw sys_error("fork to open the bind mount sources");
    if (helper == 0) {
        int status = 0;
        try {
            // Not allowed (a rootless runtime lacks CAP_SYS_CHROOT): the init opens the sources itself.
            if (::setns(mount_ns.get(), CLONE_NEWNS) != 0) ::_exit(0);
            for (std::size_t i : wanted) {
                UniqueFd source(::open(mounts[i].source.c_str(), O_PATH | O_CLOEXEC));
                if (source) linux_init::send_msg(sync_fd, linux_init::SyncMsg::kBindSource, std::to_string(i), source.get());
            }
        } catch (...) {
            status = 1;
        }
        ::_exit(status);
    }
    int status = 0;
    while (::waitpid(helper, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error("open the bind mount sources in the container's mount namespace: the helper failed");
}

// A pid namespace given by path (linux.namespaces[].path of type pid) applies to children only:
// the runtime enters it (its pid_for_children) just for the clone() of the init, as runc does,
// and goes back to its own right after (its later children, hooks included, stay in it).
class PidNamespaceForChildren {
public:
    explicit PidNamespaceForChildren(const spec::Spec& spec) {
        if (!spec.linuxSection) return;
        const auto& list = spec.linuxSection->namespaces;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].type != "pid" || list[i].path.empty()) continue;
            const std::string field = "config.json: linux.namespaces[" + std::to_string(i) + "] (pid)";
            UniqueFd target(::open(list[i].path.c_str(), O_RDONLY | O_CLOEXEC));
            if (!target) throw sys_error(field + ": open " + list[i].path);
            own_.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
            if (!own_) throw sys_error(field + ": open /proc/self/ns/pid");
            if (::setns(target.get(), CLONE_NEWPID) != 0) throw sys_error(field + ": setns " + list[i].path);
            return;
        }
    }
    // Back to our own pid namespace for children: always allowed (it is our active one). Only
    // in the runtime: the init's pid namespace is the joined one, whose parent ours is.
    void restore() {
        if (own_ && ::setns(own_.get(), CLONE_NEWPID) != 0)
            log::warn(std::string("return to the runtime's pid namespace: ") + std::strerror(errno));
        own_.reset();
    }
    ~PidNamespaceForChildren() { restore(); }
    PidNamespaceForChildren(const PidNamespaceForChildren&) = delete;
    PidNamespaceForChildren& operator=(const PidNamespaceForChildren&) = delete;

private:
    UniqueFd own_;
};

}  // namespace

pid_t launch_init(const LaunchRequest& request) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw sys_error("socketpair for the container init");
    UniqueFd parent_end(sv[0]);
    UniqueFd child_end(sv[1]);

    // Fork-like clone: no new stack, so the child continues here with a copy of our memory.
    // The runtime is single-threaded at this point, which makes that safe.
    PidNamespaceForChildren pid_namespace_for_init(*request.init.spec);
    long rc = ::syscall(SYS_clone, static_cast<unsigned long>(request.clone_flags) | SIGCHLD, 0, 0, 0, 0);
    if (rc != 0) pid_namespace_for_init.restore();
    if (rc < 0) throw sys_error("clone the container init");
    if (rc == 0) {
        linux_init::InitRequest init = request.init;
        // Kept open until execve with start_on_sync: never inside the preserved fds' range.
        if (request.init.start_on_sync && static_cast<unsigned>(child_end.get()) < 3 + request.init.preserve_fds) {
            int moved = ::fcntl(child_end.get(), F_DUPFD_CLOEXEC, static_cast<int>(3 + request.init.preserve_fds));
            if (moved < 0) ::_exit(1);
            child_end = UniqueFd(moved);
        }
        init.sync_fd = child_end.get();
        if (child_joins_cgroup(request)) init.join_cgroup = request.cgroup;
        ::close(parent_end.release());
        close_unneeded_fds(init);
        try {
            linux_init::run(init);  // never returns
        } catch (const std::exception& e) {
            try {
                linux_init::send_msg(init.sync_fd, linux_init::SyncMsg::kError, e.what());
            } catch (...) {
            }
        } catch (...) {
        }
        ::_exit(1);
    }

    const auto pid = static_cast<pid_t>(rc);
    child_end.reset();  // so that the child's death reads as EOF
    try {
        fault::point("create-cloned", pid);
        const int exec_fifo_fd = request.prepare_host ? request.prepare_host() : -1;
        fault::point("create-host-prepared", pid);
        if (request.clone_flags & CLONE_NEWUSER) {
            write_id_maps(pid, request);
            send_bind_sources(pid, parent_end.get(), request);
        }
        if (request.create_cgroup_holding) request.create_cgroup_holding(pid)->add_process(pid);
        if (request.cgroup && !child_joins_cgroup(request)) request.cgroup->add_process(pid);
        linux_init::send_msg(parent_end.get(), linux_init::SyncMsg::kGo, {}, exec_fifo_fd);
        fault::point("create-go-sent", pid);
        if (request.create_cgroup) {
            const std::string saved = request.create_cgroup()->save();
            fault::point("create-deferred-cgroup-made", pid);
            try {
                linux_init::send_msg(parent_end.get(), linux_init::SyncMsg::kCgroupReady, saved);
            } catch (const Error&) {
                // The init already failed (and said why, or died): the loop below reads that.
            }
        }
        if (request.while_init_sets_up) request.while_init_sets_up(pid);
        fault::point("create-waiting-for-init", pid);

        read_child_reports_until_ready(parent_end.get(), init_reports(pid, request, parent_end.get()));
        fault::point("create-init-ready", pid);
        if (request.keep_sync_socket) *request.keep_sync_socket = std::move(parent_end);
        return pid;
    } catch (...) {
        kill_and_reap(pid);
        throw;
    }
}

}  // namespace ocirun::container
