// Runtime::restore: a new container from a checkpoint. The core makes what any container has
// (state dir with its config copy, cgroup, console socket) and records the restored init; the
// checkpointer plugin restores the processes and calls back at the points where runc acts:
// the restorer's pid enters the cgroup, the namespaces are ready (prestart and createRuntime
// hooks), the tree runs (state.json, --pid-file).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "container/console_socket.hpp"
#include "container/image_path.hpp"
#include "container/lsm_choice.hpp"
#include "util/hooks.hpp"
#include "container/process_info.hpp"
#include "container/rfc3339.hpp"
#include "container/runtime_impl.hpp"
#include "ocirun/ocirun.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"
#include "util/file_io.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {
namespace {

struct RestorePlan {
    std::string config_json;
    spec::Spec spec;
    fs::path bundle;
    fs::path rootfs;
    plugin::CgroupDriver* cgroup_driver = nullptr;
};

plugin::CgroupConfig cgroup_config(const RestorePlan& plan, const std::string& id) {
    plugin::CgroupConfig cfg;
    cfg.container_id = id;
    if (plan.spec.linuxSection) {
        cfg.cgroups_path = plan.spec.linuxSection->cgroupsPath;
        if (plan.spec.linuxSection->resources) cfg.resources = &*plan.spec.linuxSection->resources;
        for (const auto& ns : plan.spec.linuxSection->namespaces)
            if (ns.type == "cgroup") cfg.cgroup_namespace = true;
    }
    return cfg;
}

RestorePlan plan_restore(const RestoreOptions& o, PluginRegistry& plugins, const plugin::HostContext& host) {
    state::validate_id(o.id);
    RestorePlan plan;
    plan.bundle = fs::absolute(o.bundle.empty() ? fs::path(".") : fs::path(o.bundle)).lexically_normal();
    if (!plan.bundle.has_filename() && plan.bundle != plan.bundle.root_path()) plan.bundle = plan.bundle.parent_path();
    plan.config_json = spec::read_bundle_config(plan.bundle);
    plan.spec = spec::parse_config(plan.config_json, "config.json");
    spec::validate(plan.spec);
    if (!plan.spec.process) throw Error("config.json: process: required to restore a container");
    if (!plan.spec.root || plan.spec.root->path.empty()) throw Error("config.json: root.path: required to restore a container");
    const fs::path root = plan.spec.root->path;
    plan.rootfs = (root.is_absolute() ? root : plan.bundle / root).lexically_normal();
    struct stat st{};
    if (::stat(plan.rootfs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw Error("invalid rootfs: " + plan.rootfs.string() + ": not a directory");
    const std::string images = container::checkpoint_image_path(o.image_path);
    if (!fs::is_directory(images)) throw Error("restore: --image-path " + images + ": not a directory with a checkpoint");
    if (plan.spec.process->terminal && o.console_socket.empty() && o.console_socket_fd < 0)
        throw Error("restore: process.terminal is true: the restored terminal needs --console-socket");
    // Checked by the lsm plugins now; the checkpointer applies them.
    container::check_restore_lsm_flags(plugins, o.lsm_profile, o.lsm_mount_context);
    if (!o.pid_file.empty() && !fs::is_directory(fs::absolute(o.pid_file).parent_path()))
        throw Error("--pid-file " + o.pid_file + ": its directory does not exist");
    if (!plugins.config().runs_without_cgroups()) plan.cgroup_driver = plugins.cgroup_driver_if_available();
    if (!plan.cgroup_driver && !plugins.config().runs_without_cgroups() && !host.rootless)
        plan.cgroup_driver = &plugins.cgroup_driver("restore");  // throws naming what is missing
    if (plan.cgroup_driver) plan.cgroup_driver->validate(cgroup_config(plan, o.id), host);
    return plan;
}

std::map<std::string, std::string> namespace_paths(const spec::Spec& spec, pid_t pid) {
    std::map<std::string, std::string> out;
    if (!spec.linuxSection) return out;
    for (const auto& ns : spec.linuxSection->namespaces)
        out[ns.type] = !ns.path.empty() ? ns.path
                                        : "/proc/" + std::to_string(pid) + "/ns/" + std::string(spec::namespace_proc_name(ns.type));
    return out;
}

// Undoes a half-made restore: the restored tree (if any) with the cgroup, then the state dir.
class RestoreRollback {
public:
    RestoreRollback(std::optional<state::ContainerDir>& dir, std::unique_ptr<plugin::Cgroup>& cgroup)
        : dir_(dir), cgroup_(cgroup) {}
    void set_init(pid_t pid) { init_ = pid; }
    void commit() { committed_ = true; }
    ~RestoreRollback() {
        if (committed_) return;
        try {
            if (init_ > 0) {
                ::kill(init_, SIGKILL);
                int status = 0;
                while (::waitpid(init_, &status, 0) < 0 && errno == EINTR) {
                }
            }
            if (cgroup_) {
                cgroup_->kill_all(SIGKILL);
                cgroup_->destroy();
            }
        } catch (const std::exception& e) {
            log::warn(std::string("cleanup after failed restore: ") + e.what());
        }
        try {
            if (dir_) dir_->remove();
        } catch (const std::exception& e) {
            log::warn(std::string("cleanup after failed restore: ") + e.what());
        }
    }

private:
    std::optional<state::ContainerDir>& dir_;
    std::unique_ptr<plugin::Cgroup>& cgroup_;
    pid_t init_ = 0;
    bool committed_ = false;
};

}  // namespace

Container Runtime::restore(const RestoreOptions& o) {
    RestorePlan plan = plan_restore(o, *impl_->plugins, impl_->host);
    impl_->store.require_absent(o.id);
    plugin::Checkpointer& checkpointer = impl_->plugins->checkpointer("restore");
    UniqueFd console = container::open_console_socket(o.console_socket, o.console_socket_fd);

    std::optional<state::ContainerDir> dir;
    std::unique_ptr<plugin::Cgroup> cgroup;
    RestoreRollback rollback(dir, cgroup);
    dir.emplace(impl_->store.create(o.id));
    const fs::path config_copy = dir->path() / "config.json";
    fileio::write_atomic(config_copy, plan.config_json, false, 0600);
    if (plan.cgroup_driver) {
        try {
            cgroup = plan.cgroup_driver->create(cgroup_config(plan, o.id), impl_->host);
        } catch (const Error& e) {
            const std::string path = plan.spec.linuxSection ? plan.spec.linuxSection->cgroupsPath : "";
            throw Error("create the container's cgroup (config.json: linux.cgroupsPath \"" + path + "\"): " + e.what());
        }
    }

    plugin::RestoreRequest r;
    r.container_id = o.id;
    r.rootfs = plan.rootfs.string();
    r.bundle = plan.bundle.string();
    r.state_dir = dir->path().string();
    r.config = &plan.spec;
    if (cgroup) r.cgroup_paths = cgroup->paths();
    r.image_path = container::checkpoint_image_path(o.image_path);
    if (!o.work_path.empty()) r.work_path = fs::absolute(o.work_path).lexically_normal().string();
    r.parent_path = o.parent_path;
    r.tcp_established = o.tcp_established;
    r.ext_unix_sk = o.ext_unix_sk;
    r.shell_job = o.shell_job;
    r.file_locks = o.file_locks;
    r.auto_dedup = o.auto_dedup;
    r.lazy_pages = o.lazy_pages;
    r.no_pivot = o.no_pivot;
    r.manage_cgroups_mode = o.manage_cgroups_mode;
    r.empty_ns = o.empty_ns;
    r.lsm_profile = o.lsm_profile;
    r.lsm_mount_context = o.lsm_mount_context;
    r.console_socket_fd = console ? console.get() : -1;
    r.enter_cgroup = [&](pid_t pid) {
        if (cgroup) cgroup->add_process(pid);
    };
    const spec::Hooks hooks = plan.spec.hooks ? *plan.spec.hooks : spec::Hooks{};
    r.namespaces_ready = [&](pid_t pid) {
        // runc runs these with the state of a container that has no init yet: "stopped".
        hooks::HookState hs{o.id, "stopped", pid, plan.bundle.string(), plan.spec.annotations};
        hooks::run_hooks(hooks.prestart, hs);
        hooks::run_hooks(hooks.createRuntime, hs);
    };
    state::StoredState st;
    r.restored = [&](pid_t pid) {
        rollback.set_init(pid);
        st.id = o.id;
        st.ociVersion = spec::kSpecVersion;
        st.init_pid = pid;
        const auto start_time = container::process_start_time(pid);
        if (!start_time) throw Error("restore: the restored init " + std::to_string(pid) + " is gone");
        st.init_start_time = *start_time;
        st.bundle = plan.bundle.string();
        st.rootfs = plan.rootfs.string();
        st.created = container::rfc3339_nano_utc_now();  // runc: the restore's time
        st.annotations = plan.spec.annotations;
        st.rootless = impl_->host.rootless;
        st.cgroup_driver = plan.cgroup_driver ? plan.cgroup_driver->info().name : "";
        st.cgroup_saved = cgroup ? cgroup->save() : "";
        st.namespace_paths = namespace_paths(plan.spec, pid);
        st.config_file = config_copy.string();
        st.started = true;
        dir->save(st);
        if (!o.pid_file.empty()) {
            try {
                fileio::write_atomic(fs::absolute(o.pid_file), std::to_string(pid), false, 0644);
            } catch (const Error& e) {
                throw Error("--pid-file " + o.pid_file + ": " + e.what());
            }
        }
    };
    log::debug("restore ", o.id, ": from ", o.image_path);
    const pid_t pid = checkpointer.restore(r);
    rollback.set_init(pid);
    if (st.init_pid != pid) throw Error("restore: the checkpointer restored init " + std::to_string(pid) + " without recording it");
    rollback.commit();
    log::debug("restore ", o.id, ": init ", pid, " runs");
    auto rec = impl_->record(o.id, true);
    rec->cached = st;
    rec->hooks = hooks;
    return Container(std::move(rec));
}

}  // namespace ocirun
