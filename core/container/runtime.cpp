// Runtime: create (validate everything, then build state dir, cgroup, fifo, init), open, list.
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>

#include "container/console_socket.hpp"
#include "container/container_record.hpp"
#include "container/init_launcher.hpp"
#include "container/process_info.hpp"
#include "container/rfc3339.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "container/syscall_filter.hpp"
#include "ocirun/ocirun.hpp"
#include "plugin/registry.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"
#include "state/state_store.hpp"
#include "util/file_io.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {

struct Runtime::Impl {
    RuntimeOptions opts;
    plugin::HostContext host;
    std::shared_ptr<PluginRegistry> plugins;
    state::StateStore store;

    explicit Impl(RuntimeOptions o)
        : opts(std::move(o)),
          host{opts.rootless.value_or(::geteuid() != 0), opts.systemd_cgroup, opts.debug},
          plugins(std::make_shared<PluginRegistry>(RuntimeConfig::load(), host)),
          store(opts.root) {}

    std::unique_ptr<ContainerRecord> record(const std::string& id, bool is_parent) const {
        auto r = std::make_unique<ContainerRecord>();
        r->root = opts.root;
        r->id = id;
        r->plugins = plugins;
        r->host = host;
        r->is_parent = is_parent;
        return r;
    }
};

namespace {

// Go spells errno texts in lower case ("no such file or directory"); runc's messages do too.
std::string go_errno_text(int err) {
    std::string s = std::strerror(err);
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

// Everything decided from the spec before anything is created on the host.
struct CreatePlan {
    spec::Spec spec;
    fs::path bundle;
    fs::path rootfs;
    int clone_flags = 0;
    std::optional<plugin::CompiledFilter> seccomp;
    plugin::Lsm* lsm = nullptr;
    bool cgroup_namespace = false;
};

CreatePlan plan_create(const CreateOptions& opts, PluginRegistry& plugins) {
    state::validate_id(opts.id);
    CreatePlan plan;
    plan.bundle = fs::absolute(opts.bundle.empty() ? fs::path(".") : fs::path(opts.bundle)).lexically_normal();
    if (plan.bundle.has_parent_path() && !plan.bundle.has_filename() && plan.bundle != plan.bundle.root_path())
        plan.bundle = plan.bundle.parent_path();  // "/b/" -> "/b", as runc prints it
    plan.spec = opts.spec ? *opts.spec : spec::load_bundle_config(plan.bundle);
    spec::validate(plan.spec);
    if (!plan.spec.process) throw Error("config.json: process: required to create a container");
    if (!plan.spec.root || plan.spec.root->path.empty())
        throw Error("config.json: root.path: required to create a container");

    fs::path root_path = plan.spec.root->path;
    plan.rootfs = (root_path.is_absolute() ? root_path : plan.bundle / root_path).lexically_normal();
    struct stat st{};
    if (::stat(plan.rootfs.c_str(), &st) != 0)
        throw Error("invalid rootfs: stat " + plan.rootfs.string() + ": " + go_errno_text(errno));
    if (!S_ISDIR(st.st_mode))
        throw Error("invalid rootfs: stat " + plan.rootfs.string() + ": not a directory");

    if (plan.spec.linuxSection) {
        const spec::Linux& lx = *plan.spec.linuxSection;
        for (const auto& ns : lx.namespaces) {
            if (!ns.path.empty()) continue;  // joined by the init, not created by clone
            auto flag = spec::namespace_clone_flag(ns.type);
            if (!flag) throw Error("config.json: linux.namespaces: unknown namespace \"" + ns.type + "\"");
            plan.clone_flags |= *flag;
            if (*flag == CLONE_NEWCGROUP) plan.cgroup_namespace = true;
        }
        if (lx.seccomp) plan.seccomp = compile_syscall_filter(plugins, *lx.seccomp);
    }
    const spec::Process& proc = *plan.spec.process;
    const std::string mount_label = plan.spec.linuxSection ? plan.spec.linuxSection->mountLabel : "";
    if (!proc.apparmorProfile.empty()) plan.lsm = &plugins.lsm("apparmor");
    else if (!proc.selinuxLabel.empty() || !mount_label.empty()) plan.lsm = &plugins.lsm("selinux");
    if (plan.lsm) plan.lsm->validate(proc, mount_label);
    return plan;
}

std::map<std::string, std::string> namespace_paths(const spec::Spec& spec, pid_t pid) {
    std::map<std::string, std::string> out;
    if (!spec.linuxSection) return out;
    for (const auto& ns : spec.linuxSection->namespaces) {
        out[ns.type] = !ns.path.empty()
                           ? ns.path
                           : "/proc/" + std::to_string(pid) + "/ns/" + std::string(spec::namespace_proc_name(ns.type));
    }
    return out;
}

// Undoes a half-made container on failure, in reverse order of creation.
class CreateRollback {
public:
    explicit CreateRollback(state::ContainerDir& dir) : dir_(dir) {}
    void set_cgroup(plugin::Cgroup* cg) { cgroup_ = cg; }
    void commit() { committed_ = true; }
    ~CreateRollback() {
        if (committed_) return;
        // The init (if any) was already killed and reaped by launch_init.
        if (cgroup_) {
            try {
                cgroup_->destroy();
            } catch (const std::exception& e) {
                log::warn(std::string("cleanup after failed create: ") + e.what());
            }
        }
        try {
            dir_.remove();
        } catch (const std::exception& e) {
            log::warn(std::string("cleanup after failed create: ") + e.what());
        }
    }

private:
    state::ContainerDir& dir_;
    plugin::Cgroup* cgroup_ = nullptr;
    bool committed_ = false;
};

}  // namespace

Runtime::Runtime(RuntimeOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {}
Runtime::~Runtime() = default;

const RuntimeOptions& Runtime::options() const { return impl_->opts; }
PluginRegistry& Runtime::plugins() { return *impl_->plugins; }

Container Runtime::create(const CreateOptions& opts) {
    // (1) Everything that can fail without touching the host.
    CreatePlan plan = plan_create(opts, *impl_->plugins);
    if (fs::exists(impl_->store.root() / opts.id)) throw Error("container with given ID already exists");

    // (2) State dir and the config copy.
    state::ContainerDir dir = impl_->store.create(opts.id);
    std::unique_ptr<plugin::Cgroup> cgroup;  // declared before the rollback, which uses it
    CreateRollback rollback(dir);
    const fs::path config_copy = dir.path() / "config.json";
    if (opts.spec) fileio::write_atomic(config_copy, spec::pretty_print(spec::to_json(plan.spec)), false, 0600);
    else fileio::write_atomic(config_copy, fileio::read_file(plan.bundle / "config.json"), false, 0600);

    // (3) Cgroup, when a driver is installed.
    std::string driver_name;
    if (auto* driver = impl_->plugins->cgroup_driver_if_available()) {
        plugin::CgroupConfig cfg;
        cfg.container_id = opts.id;
        if (plan.spec.linuxSection) {
            cfg.cgroups_path = plan.spec.linuxSection->cgroupsPath;
            if (plan.spec.linuxSection->resources) cfg.resources = &*plan.spec.linuxSection->resources;
        }
        cfg.cgroup_namespace = plan.cgroup_namespace;
        driver->validate(cfg, impl_->host);
        cgroup = driver->create(cfg, impl_->host);
        rollback.set_cgroup(cgroup.get());
        driver_name = driver->info().name;
    } else {
        log::debug("no cgroup driver plugin is installed: container " + opts.id + " gets no cgroup");
    }

    // (4) Exec fifo (the init blocks on it until start) and the console socket.
    const fs::path fifo = dir.path() / container::kExecFifoName;
    if (::mkfifo(fifo.c_str(), 0622) != 0) throw sys_error("mkfifo " + fifo.string());
    if (::chmod(fifo.c_str(), 0622) != 0) throw sys_error("chmod " + fifo.string());  // undo umask
    UniqueFd fifo_path_fd(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
    if (!fifo_path_fd) throw sys_error("open " + fifo.string());
    UniqueFd console;
    if (!opts.console_socket.empty()) console = container::connect_console_socket(opts.console_socket);

    // (5)+(6) Clone the init and run the handshake.
    container::LaunchRequest launch;
    launch.init.spec = &plan.spec;
    launch.init.rootfs = plan.rootfs.string();
    launch.init.exec_fifo = fifo.string();
    launch.init.console_socket_fd = console ? console.get() : -1;
    launch.init.preserve_fds = opts.preserve_fds;
    launch.init.no_pivot = opts.no_pivot;
    launch.init.no_new_keyring = opts.no_new_keyring;
    launch.init.user_namespace = (plan.clone_flags & CLONE_NEWUSER) != 0;
    launch.init.seccomp = plan.seccomp ? &*plan.seccomp : nullptr;
    launch.init.lsm = plan.lsm;
    launch.exec_fifo_fd = fifo_path_fd.get();
    launch.clone_flags = plan.clone_flags;
    launch.deny_setgroups = launch.init.user_namespace && impl_->host.rootless;
    launch.cgroup = cgroup.get();
    launch.container_id = opts.id;
    launch.bundle = plan.bundle.string();
    launch.annotations = plan.spec.annotations;
    const pid_t pid = container::launch_init(launch);
    console.reset();
    fifo_path_fd.reset();

    // (7) Record it.
    state::StoredState st;
    try {
        st.id = opts.id;
        st.ociVersion = plan.spec.ociVersion;
        st.init_pid = pid;
        auto start_time = container::process_start_time(pid);
        if (!start_time) throw Error("container init exited before it was ready");
        st.init_start_time = *start_time;
        st.bundle = plan.bundle.string();
        st.rootfs = plan.rootfs.string();
        st.created = container::rfc3339_nano_utc_now();
        st.annotations = plan.spec.annotations;
        st.rootless = impl_->host.rootless;
        st.cgroup_driver = driver_name;
        st.cgroup_saved = cgroup ? cgroup->save() : "";
        st.namespace_paths = namespace_paths(plan.spec, pid);
        st.config_file = config_copy.string();
        dir.save(st);
        if (!opts.pid_file.empty())
            fileio::write_atomic(fs::absolute(opts.pid_file), std::to_string(pid), true, 0644);
    } catch (...) {
        ::kill(pid, SIGKILL);  // our child: reap it so nothing is left
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        throw;
    }
    rollback.commit();

    auto rec = impl_->record(opts.id, true);
    rec->cached = st;
    return Container(std::move(rec));
}

Container Runtime::open(const std::string& id) {
    if (id.empty()) throw Error("container id cannot be empty");
    state::validate_id(id);
    if (!fs::exists(impl_->store.root() / id)) throw Error("container does not exist");
    auto rec = impl_->record(id, false);
    rec->cached = impl_->store.open(id).load();
    return Container(std::move(rec));
}

std::vector<ContainerState> Runtime::list() {
    std::vector<ContainerState> out;
    for (const auto& id : impl_->store.ids()) {
        try {
            out.push_back(open(id).state());
        } catch (const Error&) {
            if (fs::exists(impl_->store.root() / id)) throw;  // vanished meanwhile: skip it
        }
    }
    return out;
}

}  // namespace ocirun
