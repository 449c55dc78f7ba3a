// The criu checkpointer plugin: checkpoint and restore through `criu swrk` (criu_swrk.hpp),
// the container described to CRIU as runc describes it (criu_request.hpp). The core hands over
// what it knows of the container and is called back at the points where runc acts on CRIU's
// notifications (cgroup entry, setup-namespaces, post-restore).
#include <ocirun/plugin.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "criu_binary.hpp"
#include "criu_request.hpp"
#include "criu_restore_root.hpp"
#include "criu_swrk.hpp"
#include "image_files.hpp"

namespace ocirun::criu {
namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// mkdir that accepts an existing dir (a container can be checkpointed more than once).
void make_dir(const std::string& path, const std::string& flag) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error(flag + " " + path + ": mkdir: " + std::strerror(errno));
}

int open_dir(const std::string& path, const std::string& flag) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw Error(flag + " " + path + ": open: " + std::strerror(errno));
    return fd;
}

// runc asks CRIU whether the kernel can track memory (pre-dump) or serve pages lazily.
void require_features(const std::string& binary, bool mem_track, bool lazy_pages) {
    if (!mem_track && !lazy_pages) return;
    SwrkSession session(binary);
    criu_req req;
    req.set_type(FEATURE_CHECK);
    if (mem_track) req.mutable_features()->set_mem_track(true);
    if (lazy_pages) req.mutable_features()->set_lazy_pages(true);
    const criu_resp resp = session.exchange(req, {}, "");
    session.finish();
    if (mem_track && !resp.features().mem_track())
        throw Error("--pre-dump: CRIU reports that this kernel cannot track memory changes (soft-dirty bits)");
    if (lazy_pages && !resp.features().lazy_pages())
        throw Error("--lazy-pages: CRIU reports that this kernel cannot serve pages lazily (userfaultfd)");
}

// Post-copy migration needs CRIU's lazy-pages daemon on the restoring side and a dump that
// serves pages until they are all fetched; ocirun has no test of that flow yet, so it refuses
// rather than half-works (docs/cli.md). The plumbing below is kept for when it is tested.
void refuse_lazy_pages(bool lazy_pages) {
    if (lazy_pages)
        throw Error("--lazy-pages is not supported by ocirun yet: post-copy migration through CRIU's lazy-pages "
                    "daemon is untested (checkpoint without it, or with --page-server to send the pages elsewhere)");
}

void check_status_fd(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) throw Error("invalid --status-fd argument " + std::to_string(fd) + ": " + std::strerror(errno));
    if ((flags & O_ACCMODE) == O_RDONLY) throw Error("invalid --status-fd argument " + std::to_string(fd) + ": not writable");
}

void send_fd(int socket, int fd, const std::string& name) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{const_cast<char*>(name.data()), name.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    while ((n = ::sendmsg(socket, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    if (n < 0) throw Error(std::string("--console-socket: send the restored terminal: ") + std::strerror(errno));
}

class CriuCheckpointer final : public plugin::Checkpointer {
public:
    plugin::Info info() const override {
        return {"criu", plugin::Kind::Checkpointer, OCIRUN_PLUGIN_VERSION,
                "checkpoint and restore with CRIU (criu swrk RPC, protobuf)"};
    }
    // Runs `criu check` (about 0.1 s): a present criu that cannot work on this kernel is
    // reported as unavailable, with CRIU's own reason.
    std::string unavailable_reason(const plugin::HostContext&) const override {
        const auto binary = find_criu_binary();
        if (!binary) return "criu binary not found on PATH";
        return criu_check_failure(*binary);
    }
    // The binary, and whether checkpoint/restore can work here (the same check as
    // unavailable_reason(), so `features` and `plugins` agree).
    std::string features_json() const override {
        const auto binary = find_criu_binary();
        const std::string why = binary ? criu_check_failure(*binary) : "criu binary not found on PATH";
        return std::string(R"({"criuBinary":)") + (binary ? json_string(*binary) : "null") +
               R"(,"usable":)" + (why.empty() ? "true" : "false") +
               (why.empty() ? std::string() : R"(,"unusableReason":)" + json_string(why)) + "}";
    }

    void checkpoint(const plugin::CheckpointRequest& r) override {
        if (r.image_path.empty()) throw Error("checkpoint: --image-path is required");
        refuse_lazy_pages(r.lazy_pages);
        if (r.init_pid <= 0 || !r.config) throw Error("checkpoint: container " + r.container_id + " has no init process");
        // --status-fd matters only with --lazy-pages; runc ignores it otherwise, so do we.
        const int status_fd_given = r.lazy_pages ? r.status_fd : -1;
        if (status_fd_given >= 0) check_status_fd(status_fd_given);
        const std::string binary = require_criu_binary();
        const int version = criu_version(binary, kMinimumCriuVersion);
        require_features(binary, r.pre_dump, r.lazy_pages);

        criu_req req;
        req.set_type(r.pre_dump ? PRE_DUMP : DUMP);
        criu_opts& opts = *req.mutable_opts();
        fill_dump_options(r, version, opts);  // flag errors before anything is made
        make_dir(r.image_path, "--image-path");
        const std::string work = r.work_path.empty() ? r.state_dir + "/criu.work" : r.work_path;
        make_dir(work, "--work-path");
        Fd images(open_dir(r.image_path, "--image-path"));
        Fd work_dir(open_dir(work, "--work-path"));
        opts.set_images_dir_fd(images.get());
        opts.set_work_dir_fd(work_dir.get());
        if (status_fd_given >= 0 && version < 31500) opts.set_status_fd(status_fd_given);  // newer: status-ready
        if (!r.pre_dump) write_descriptors(r.image_path, stdio_links(r.init_pid));

        int status_fd = status_fd_given;
        SwrkSession session(binary);
        session.exchange(req, [&](Notification& n) {
            // post-dump, network-lock/-unlock: runc acts on them only for its own network
            // config, which an OCI bundle never has; status-ready: the lazy-pages server is up.
            if (n.script == "status-ready" && status_fd >= 0) {
                const char zero = 0;
                (void)!::write(status_fd, &zero, 1);
                ::close(status_fd);
                status_fd = -1;
            }
        }, work + "/" + opts.log_file());
        const int status = session.finish();
        // After PRE_DUMP CRIU waits for a next request that never comes: its exit is moot.
        if (!r.pre_dump && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            throw Error("criu failed: criu swrk exited with status " + std::to_string(status) +
                        "\nlog file: " + work + "/" + opts.log_file());
    }

    pid_t restore(const plugin::RestoreRequest& r) override {
        if (r.image_path.empty()) throw Error("restore: --image-path is required");
        refuse_lazy_pages(r.lazy_pages);
        if (!r.config) throw Error("restore: no config");
        const std::string binary = require_criu_binary();
        const int version = criu_version(binary, kMinimumCriuVersion);
        require_features(binary, false, r.lazy_pages);
        Fd images(open_dir(r.image_path, "--image-path"));
        const std::vector<std::string> descriptors = read_descriptors(r.image_path);

        criu_req req;
        req.set_type(RESTORE);
        criu_opts& opts = *req.mutable_opts();
        std::vector<int> passed;
        struct ClosePassed {
            std::vector<int>& fds;
            ~ClosePassed() {
                for (int fd : fds) ::close(fd);
            }
        } close_passed{passed};
        fill_restore_options(r, version, opts, passed);
        // Pipes of the dumped init's stdio become ours (CRIU's fds 0-2 are ours).
        for (std::size_t i = 0; i < descriptors.size() && i < 3; ++i) {
            if (descriptors[i].find("pipe:") == std::string::npos) continue;
            inherit_fd* in = opts.add_inherit_fd();
            in->set_key(descriptors[i]);
            in->set_fd(static_cast<int>(i));
        }
        const std::string work = r.work_path.empty() ? r.state_dir + "/criu.work" : r.work_path;
        make_dir(work, "--work-path");
        Fd work_dir(open_dir(work, "--work-path"));
        opts.set_images_dir_fd(images.get());
        opts.set_work_dir_fd(work_dir.get());
        RestoreRoot root(r);  // the rootfs as CRIU wants it: a mount point of its own
        opts.set_root(root.path());

        SwrkSession session(binary, passed);
        if (r.enter_cgroup) r.enter_cgroup(session.pid());
        add_v1_cgroup_roots(session.pid(), opts);
        pid_t restored = 0;
        session.exchange(req, [&](Notification& n) {
            if (n.script == "setup-namespaces") {
                if (r.namespaces_ready) r.namespaces_ready(n.pid);
            } else if (n.script == "post-restore") {
                restored = n.pid;
                if (r.restored) r.restored(n.pid);
            } else if (n.script == "orphan-pts-master") {
                if (r.console_socket_fd >= 0 && !n.fds.empty()) send_fd(r.console_socket_fd, n.fds[0], "/dev/ptmx");
            }
        }, work + "/restore.log");
        session.finish();
        if (restored <= 0) throw Error("criu restore: CRIU finished without reporting the restored init (post-restore)");
        return restored;
    }
};

}  // namespace
}  // namespace ocirun::criu

OCIRUN_PLUGIN(ocirun::criu::CriuCheckpointer)
