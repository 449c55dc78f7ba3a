// Container::checkpoint: hands the container to the checkpointer plugin (CRIU knowledge lives
// there) and, like runc, deletes it afterwards unless it was left running or only pre-dumped.
#include <filesystem>

#include "container/container_record.hpp"
#include "container/image_path.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "ocirun/ocirun.hpp"
#include "spec/spec_json.hpp"
#include "util/file_io.hpp"
#include "util/log.hpp"

namespace ocirun {
namespace {

// The request for the locked container `st`; `config` outlives it.
plugin::CheckpointRequest checkpoint_request(const state::StoredState& st, const std::filesystem::path& dir,
                                             const spec::Spec& config, const plugin::Cgroup* cgroup,
                                             const CheckpointOptions& o) {
    plugin::CheckpointRequest r;
    r.container_id = st.id;
    r.init_pid = st.init_pid;
    r.rootfs = st.rootfs;
    r.bundle = st.bundle;
    r.state_dir = dir.string();
    r.config = &config;
    if (cgroup) r.cgroup_paths = cgroup->paths();
    r.image_path = container::checkpoint_image_path(o.image_path);
    if (!o.work_path.empty()) r.work_path = std::filesystem::absolute(o.work_path).lexically_normal().string();
    if (!o.parent_path.empty()) r.parent_path = o.parent_path;  // relative to the image dir, as CRIU reads it
    r.leave_running = o.leave_running;
    r.tcp_established = o.tcp_established;
    r.ext_unix_sk = o.ext_unix_sk;
    r.shell_job = o.shell_job;
    r.file_locks = o.file_locks;
    r.pre_dump = o.pre_dump;
    r.auto_dedup = o.auto_dedup;
    r.lazy_pages = o.lazy_pages;
    r.status_fd = o.status_fd;
    r.page_server = o.page_server;
    r.manage_cgroups_mode = o.manage_cgroups_mode;
    r.empty_ns = o.empty_ns;
    return r;
}

}  // namespace

void Container::checkpoint(const CheckpointOptions& opts) {
    {
        // Locked for the whole dump: no delete, pause or exec in between.
        state::StateStore store(rec_->root);
        store.require_present(rec_->id);
        state::ContainerDir dir = store.open(rec_->id);
        const state::StoredState st = dir.load();
        rec_->cached = st;
        const auto cgroup = container::open_stored_cgroup(st, *rec_->plugins, rec_->host);
        const Status status = container::derive_status(st, dir.path(), cgroup.get());
        if (status == Status::Created || status == Status::Stopped)  // runc's text
            throw Error(std::string("Container cannot be checkpointed in ") + to_string(status) + " state");
        if (st.config_file.empty()) throw Error("container " + st.id + ": its state has no copy of config.json");
        const spec::Spec config = spec::parse_config(fileio::read_file(st.config_file), st.config_file);
        plugin::Checkpointer& checkpointer = rec_->plugins->checkpointer("checkpoint");
        log::debug("checkpoint ", st.id, ": init ", st.init_pid, " to ", opts.image_path);
        checkpointer.checkpoint(checkpoint_request(st, dir.path(), config, cgroup.get(), opts));
    }
    if (opts.leave_running || opts.pre_dump) return;
    // The dumped tree was killed by the checkpointer: remove what is left (cgroup, state dir)
    // and run the poststop hooks, as runc's checkpoint does. Forced: the init may still be a
    // zombie that its parent has not reaped yet.
    destroy(true);
}

}  // namespace ocirun
