// One `criu swrk` session: CRIU as a child process serving RPC requests (rpc.proto's criu_req /
// criu_resp, one protobuf message per SOCK_SEQPACKET datagram) on its fd 3. This is how runc
// drives CRIU; CRIU opens the image and work dirs named by fd through /proc/<our pid>/fd.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "rpc.pb.h"

namespace ocirun::criu {

// An fd of ours that CRIU gets (inherited) at a fixed number (4, 5, ...: after the socket).
struct PassedFd {
    int fd;
};

// A received notification: its script name ("setup-namespaces", "post-restore", ...), the pid
// CRIU reports with it, and any fds that came with it (SCM_RIGHTS; the handler owns them).
struct Notification {
    std::string script;
    pid_t pid = 0;
    std::vector<int> fds;
};
using NotifyHandler = std::function<void(Notification&)>;

class SwrkSession {
public:
    // Starts `criu swrk 3`. Its stdio is ours (a restored tree without inherited pipes keeps
    // them); `passed` are dup'ed to fds 4, 5, ... in CRIU (runc's numbering, for inherit_fd).
    SwrkSession(const std::string& criu_binary, const std::vector<int>& passed = {});
    ~SwrkSession();
    SwrkSession(const SwrkSession&) = delete;
    SwrkSession& operator=(const SwrkSession&) = delete;

    pid_t pid() const { return pid_; }
    // Sends `request`, answers every NOTIFY with notify_success after `on_notify` returned (a
    // throw from it ends the session: CRIU then aborts and undoes what it did), and returns
    // the final response. Throws when CRIU reports a failure, naming `log_path`.
    criu_resp exchange(const criu_req& request, const NotifyHandler& on_notify, const std::string& log_path);
    // Closes our end and reaps CRIU; returns its wait status.
    int finish();

private:
    void send(const criu_req& request);
    criu_resp receive(std::vector<int>& fds);

    pid_t pid_ = -1;
    int socket_ = -1;
};

// "DUMP", "RESTORE", ... as runc names the request types in its errors.
std::string request_type_name(criu_req_type type);

}  // namespace ocirun::criu
