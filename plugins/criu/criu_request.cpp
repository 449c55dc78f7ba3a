#include "criu_request.hpp"

namespace ocirun::criu {

criu_req make_dump_request(const plugin::CheckpointRequest& request) {
    if (request.image_path.empty()) throw Error("checkpoint: --image-path is required");
    if (request.init_pid <= 0) throw Error("checkpoint: container " + request.container_id + " has no init process");
    criu_req req;
    req.set_type(DUMP);
    criu_opts* opts = req.mutable_opts();
    opts->set_pid(request.init_pid);
    opts->set_root(request.rootfs);
    opts->set_leave_running(request.leave_running);
    opts->set_tcp_established(request.tcp_established);
    opts->set_ext_unix_sk(request.ext_unix_sk);
    opts->set_shell_job(request.shell_job);
    opts->set_file_locks(request.file_locks);
    if (!request.parent_path.empty()) opts->set_parent_img(request.parent_path);
    opts->set_log_file("dump.log");
    return req;
}

criu_req make_restore_request(const plugin::RestoreRequest& request) {
    if (request.image_path.empty()) throw Error("restore: --image-path is required");
    criu_req req;
    req.set_type(RESTORE);
    criu_opts* opts = req.mutable_opts();
    opts->set_root(request.rootfs);
    opts->set_tcp_established(request.tcp_established);
    opts->set_ext_unix_sk(request.ext_unix_sk);
    opts->set_shell_job(request.shell_job);
    opts->set_file_locks(request.file_locks);
    opts->set_log_file("restore.log");
    return req;
}

}  // namespace ocirun::criu
