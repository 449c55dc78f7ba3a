// Runtime: create (validate everything, then clone the init and build the state dir, cgroup and
// fifo around it), open, list.
#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>

#include "container/console_socket.hpp"
#include "container/container_record.hpp"
#include "container/init_launcher.hpp"
#include "container/init_waiter.hpp"
#include "container/lsm_choice.hpp"
#include "container/process_info.hpp"
#include "container/rfc3339.hpp"
#include "container/rootless.hpp"
#include "container/runtime_impl.hpp"
#include "container/status.hpp"
#include "container/stored_cgroup.hpp"
#include "container/syscall_filter.hpp"
#include "linux/capabilities.hpp"
#include "linux/id_mapping.hpp"
#include "ocirun/ocirun.hpp"
#include "plugin/registry.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"
#include "state/state_store.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"
#include "util/hooks.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;

namespace ocirun {


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
    std::string config_json;  // stored as the container's copy of config.json
    fs::path bundle;
    fs::path rootfs;
    int clone_flags = 0;
    std::optional<plugin::CompiledFilter> seccomp;
    linux_init::LsmLabels lsm;
    bool cgroup_namespace = false;
    plugin::CgroupDriver* cgroup_driver = nullptr;  // null: no cgroup (see choose_cgroup_driver)
    linux_init::IdMapPlan id_maps;                  // how a new user namespace's maps get written
};

// Points into plan.spec: made where it is used, never stored in the (movable) plan.
plugin::CgroupConfig cgroup_config_of(const CreatePlan& plan, const std::string& id) {
    plugin::CgroupConfig cfg;
    cfg.container_id = id;
    if (plan.spec.linuxSection) {
        cfg.cgroups_path = plan.spec.linuxSection->cgroupsPath;
        if (plan.spec.linuxSection->resources) cfg.resources = &*plan.spec.linuxSection->resources;
    }
    cfg.cgroup_namespace = plan.cgroup_namespace;
    return cfg;
}

// The kernel refuses longer classic BPF programs (BPF_MAXINSNS) when the init loads them.
constexpr std::size_t kMaxFilterInstructions = 4096;
constexpr std::size_t kBpfInstructionSize = 8;  // sizeof(struct sock_filter)

// runtime-spec: a namespace type that is not listed is the runtime's. Without "mount" the init
// works in the caller's mount namespace (runc's behaviour): its mounts stay there.
bool has_mount_namespace(const spec::Spec& spec) {
    if (spec.linuxSection)
        for (const auto& ns : spec.linuxSection->namespaces)
            if (ns.type == "mount") return true;
    return false;
}

// linux.namespaces[].path must name something before clone(); runc's words after the field.
void check_namespace_paths(const spec::Spec& spec) {
    if (!spec.linuxSection) return;
    const auto& list = spec.linuxSection->namespaces;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].path.empty()) continue;
        struct stat st{};
        if (::lstat(list[i].path.c_str(), &st) != 0)
            throw InvalidConfig::in_file("config.json", "linux.namespaces[" + std::to_string(i) + "].path",
                                         "namespace path: lstat " + list[i].path + ": " + go_errno_text(errno));
    }
}

// setrlimit() raises a hard limit only with CAP_SYS_RESOURCE in the initial user namespace: the
// init has it only when the runtime does and the container gets no user namespace. Same text
// as the init's error (process_setup.cpp), now before anything exists.
void check_rlimits_raisable(const spec::Spec& spec) {
    bool can_raise = false;
    if (cap_t caps = ::cap_get_proc()) {
        cap_flag_value_t v = CAP_CLEAR;
        can_raise = ::cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET;
        ::cap_free(caps);
    }
    if (spec.linuxSection)
        for (const auto& ns : spec.linuxSection->namespaces)
            if (ns.type == "user") can_raise = false;
    if (can_raise) return;
    const auto& rlimits = spec.process->rlimits;
    for (std::size_t i = 0; i < rlimits.size(); ++i) {
        const auto resource = spec::rlimit_resource(rlimits[i].type);  // known: spec::validate checked
        struct rlimit now{};
        if (!resource || ::getrlimit(*resource, &now) != 0 || now.rlim_max == RLIM_INFINITY) continue;
        if (rlimits[i].hard > now.rlim_max)
            throw Error("config.json: process.rlimits[" + std::to_string(i) + "] (" + rlimits[i].type +
                            "): setrlimit: " + std::strerror(EPERM) + " (raising a hard limit needs CAP_SYS_RESOURCE)",
                        ErrorKind::HostUnsupported);
    }
}

// --pid-file is written once the init exists: its directory must exist now.
void check_pid_file_dir(const std::string& pid_file) {
    if (pid_file.empty()) return;
    const fs::path dir = fs::absolute(pid_file).parent_path();
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0)
        throw Error("--pid-file " + pid_file + ": stat " + dir.string() + ": " + go_errno_text(errno));
    if (!S_ISDIR(st.st_mode)) throw Error("--pid-file " + pid_file + ": " + dir.string() + " is not a directory");
}

// A container without a cgroup runs with no resource limits and no device cgroup, so a missing
// driver is an error (naming the plugin file and the dirs searched), unless the runtime config
// says "cgroupDriver": "none". Rootless containers follow runc's rule instead: without a usable
// cgroup they run without one.
plugin::CgroupDriver* choose_cgroup_driver(PluginRegistry& plugins, const plugin::HostContext& host) {
    // --systemd-cgroup: the systemd driver or a clear error, never another driver or none.
    if (host.systemd_cgroup) return &plugins.cgroup_driver("--systemd-cgroup");
    if (plugins.config().runs_without_cgroups()) {
        log::debug("the runtime config sets \"cgroupDriver\": \"none\": the container gets no cgroup");
        return nullptr;
    }
    if (plugin::CgroupDriver* driver = plugins.cgroup_driver_if_available()) return driver;
    if (host.rootless) {
        log::debug("no cgroup driver plugin is installed: the rootless container gets no cgroup");
        return nullptr;
    }
    const std::string config_file = RuntimeConfig::default_path().string();
    try {
        return &plugins.cgroup_driver("create");  // not installed: throws naming the file and the dirs
    } catch (const Error& e) {
        throw Error(std::string(e.what()) +
                    "; without a cgroup driver the container's resource limits and device rules cannot be "
                    "applied (to run containers without cgroups, set \"cgroupDriver\": \"none\" in " +
                    config_file + ")");
    }
}

CreatePlan plan_create(const CreateOptions& opts, PluginRegistry& plugins, const plugin::HostContext& host) {
    state::validate_id(opts.id);
    CreatePlan plan;
    plan.bundle = fs::absolute(opts.bundle.empty() ? fs::path(".") : fs::path(opts.bundle)).lexically_normal();
    if (plan.bundle.has_parent_path() && !plan.bundle.has_filename() && plan.bundle != plan.bundle.root_path())
        plan.bundle = plan.bundle.parent_path();  // "/b/" -> "/b", as runc prints it
    if (opts.spec) {
        plan.spec = *opts.spec;
        plan.config_json = opts.spec_json.empty() ? spec::pretty_print(spec::to_json(plan.spec)) : opts.spec_json;
    } else {
        plan.config_json = spec::read_bundle_config(plan.bundle);
        plan.spec = spec::parse_config(plan.config_json, "config.json");
    }
    spec::validate(plan.spec);
    if (!plan.spec.process) throw InvalidConfig::in_file("config.json", "process", "required to create a container");
    container::check_unprivileged_spec(plan.spec);
    if (!plan.spec.root || plan.spec.root->path.empty())
        throw InvalidConfig::in_file("config.json", "root.path", "required to create a container");

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
            if (!flag) throw InvalidConfig::in_file("config.json", "linux.namespaces", "unknown namespace \"" + ns.type + "\"");
            // CLONE_NEWTIME (0x80) sits in clone()'s exit-signal byte; the init unshares it itself
            // (it must write timeOffsets before anything enters the namespace).
            if (*flag == CLONE_NEWTIME) continue;
            // Likewise CLONE_NEWCGROUP: a cgroup namespace is rooted where its creator is, and
            // the init only gets into the container's cgroup after clone(); it unshares it then.
            if (*flag == CLONE_NEWCGROUP) {
                plan.cgroup_namespace = true;
                continue;
            }
            plan.clone_flags |= *flag;
        }
        if (plan.clone_flags & CLONE_NEWUSER) plan.id_maps = linux_init::plan_id_maps(lx, host.rootless);
        if (lx.seccomp) plan.seccomp = compile_syscall_filter(plugins, *lx.seccomp);
        if (plan.seccomp && plan.seccomp->bpf.size() / kBpfInstructionSize > kMaxFilterInstructions)
            throw InvalidConfig::in_file("config.json", "linux.seccomp",
                                         "the compiled filter has " +
                                             std::to_string(plan.seccomp->bpf.size() / kBpfInstructionSize) +
                                             " instructions, more than the kernel accepts (" +
                                             std::to_string(kMaxFilterInstructions) + ")");
    }
    check_namespace_paths(plan.spec);
    const spec::Process& proc = *plan.spec.process;
    const std::string mount_label = plan.spec.linuxSection ? plan.spec.linuxSection->mountLabel : "";
    plan.lsm = container::choose_lsm_labels(plugins, proc, mount_label, plan.spec.annotations, "config.json: ");
    check_rlimits_raisable(plan.spec);
    check_pid_file_dir(opts.pid_file);
    linux_init::warn_unavailable_capabilities(proc);

    // The driver's checks (cgroupsPath, resources) run now, not after the state dir exists.
    if (!container::runs_without_cgroup(plan.spec, host) && (plan.cgroup_driver = choose_cgroup_driver(plugins, host)))
        plan.cgroup_driver->validate(cgroup_config_of(plan, opts.id), host);
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
    explicit CreateRollback(std::optional<state::ContainerDir>& dir) : dir_(dir) {}
    void set_cgroup(plugin::Cgroup* cg) { cgroup_ = cg; }
    // runc runs the poststop hooks when a create fails too (runtime-spec: a failed create hook
    // continues the lifecycle at delete); failures only warn.
    void set_poststop(std::vector<spec::Hook> hooks, hooks::HookState state) {
        poststop_ = std::move(hooks);
        poststop_state_ = std::move(state);
    }
    void commit() { committed_ = true; }
    ~CreateRollback() {
        if (committed_) return;
        // The init (if any) was already killed and reaped by launch_init. Anything it started
        // (without a pid namespace nothing else kills those) goes with the cgroup.
        if (cgroup_) {
            try {
                cgroup_->kill_all(SIGKILL);
            } catch (const std::exception& e) {
                log::warn(std::string("cleanup after failed create: ") + e.what());
            }
            try {
                cgroup_->destroy();
            } catch (const std::exception& e) {
                log::warn(std::string("cleanup after failed create: ") + e.what());
            }
        }
        try {
            if (dir_) dir_->remove();
        } catch (const std::exception& e) {
            log::warn(std::string("cleanup after failed create: ") + e.what());
        }
        try {
            for (const auto& failure : hooks::run_hooks_collecting_errors(poststop_, poststop_state_))
                log::warn(failure);
        } catch (const std::exception& e) {
            log::warn(std::string("cleanup after failed create: ") + e.what());
        }
    }

private:
    std::optional<state::ContainerDir>& dir_;  // made after clone(): may not exist yet
    plugin::Cgroup* cgroup_ = nullptr;
    std::vector<spec::Hook> poststop_;
    hooks::HookState poststop_state_;
    bool committed_ = false;
};

}  // namespace

Runtime::Runtime(RuntimeOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {}
Runtime::~Runtime() = default;

const RuntimeOptions& Runtime::options() const { return impl_->opts; }
PluginRegistry& Runtime::plugins() { return *impl_->plugins; }

namespace {

// The runtime may make the cgroup after clone(), while the init mounts its rootfs, when the init
// joins it itself and nothing before its rootfs mounts depends on it: no user namespace (the
// runtime then moves the init before kGo) and no namespace joined by path (a joined mount
// namespace would hide the host's /sys/fs/cgroup from the init). The same containers let the
// init unshare its namespaces itself (all but the pid namespace, which only clone() can enter):
// with a user namespace, or namespaces joined in between, their order and owners matter.
bool is_simple_launch(const CreatePlan& plan) {
    if (plan.clone_flags & CLONE_NEWUSER) return false;
    if (!plan.spec.linuxSection) return true;
    for (const auto& ns : plan.spec.linuxSection->namespaces)
        if (!ns.path.empty()) return false;
    return true;
}

// A cgroup frozen before the init joins it (by its own freezer state or an ancestor's) would
// stop the init mid-setup, and create would wait for it forever: refused with runc's text. The
// directories the driver made go; a pre-existing frozen cgroup is the caller's and stays frozen.
void refuse_frozen_cgroup(std::unique_ptr<plugin::Cgroup>& cgroup) {
    if (!cgroup->frozen()) return;
    try {
        cgroup->destroy();
    } catch (const std::exception& e) {
        log::warn(std::string("cleanup after failed create: ") + e.what());
    }
    cgroup.reset();
    throw Error("container's cgroup unexpectedly frozen");
}

// runc warns (and goes on) when the cgroup it is given already holds processes.
void warn_if_cgroup_not_empty(const plugin::Cgroup& cgroup) {
    std::size_t found = 0;
    try {
        found = cgroup.pids().size();
    } catch (const std::exception&) {
        return;  // only a warning: an unreadable list is not worth failing the create
    }
    if (found != 0) log::warn("container's cgroup is not empty: " + std::to_string(found) + " process(es) found");
}

}  // namespace

Container Runtime::create(const CreateOptions& opts) {
    // (1) Everything that can fail without touching the host.
    CreatePlan plan = plan_create(opts, *impl_->plugins, impl_->host);
    log::debug("create ", opts.id, ": config loaded and checked (bundle ", plan.bundle.native(), ")");
    impl_->store.require_absent(opts.id);
    // Connecting creates nothing on the host, so a bad --console-socket fails before anything does.
    UniqueFd console = container::open_console_socket(opts.console_socket, opts.console_socket_fd);

    // Undone in reverse on failure: the state dir (made right after clone, step 4), the cgroup.
    std::optional<state::ContainerDir> dir;
    std::unique_ptr<plugin::Cgroup> cgroup;  // declared before the rollback, which uses them
    CreateRollback rollback(dir);
    if (plan.spec.hooks && !plan.spec.hooks->poststop.empty()) {
        hooks::HookState stopped;
        stopped.id = opts.id;
        stopped.status = "stopped";
        stopped.bundle = plan.bundle.string();
        stopped.annotations = plan.spec.annotations;
        rollback.set_poststop(plan.spec.hooks->poststop, std::move(stopped));
    }

    // (2) Cgroup, when a driver is installed: made now, or (usually) by launch_init while the
    // init prepares its rootfs, which overlaps the two on a multi-core host.
    std::string driver_name;
    auto create_cgroup = [&](pid_t init_pid) -> plugin::Cgroup* {
        // The driver removes what it made when this throws.
        try {
            plugin::CgroupConfig config = cgroup_config_of(plan, opts.id);
            config.init_pid = init_pid;
            cgroup = plan.cgroup_driver->create(config, impl_->host);
        } catch (const NotImplemented&) {
            throw;
        } catch (const Error& e) {
            const std::string path = plan.spec.linuxSection ? plan.spec.linuxSection->cgroupsPath : "";
            throw Error("create the container's cgroup (config.json: linux.cgroupsPath \"" + path + "\"): " + e.what(),
                        e.kind());
        }
        refuse_frozen_cgroup(cgroup);
        if (init_pid == 0) warn_if_cgroup_not_empty(*cgroup);  // else the init is in it already
        rollback.set_cgroup(cgroup.get());
        fault::point("create-cgroup-made");
        if (log::debug_enabled())  // info() builds strings: only when they are logged
            log::debug("create ", opts.id, ": cgroup created by ", plan.cgroup_driver->info().name);
        return cgroup.get();
    };
    const bool simple_launch = is_simple_launch(plan);
    // A driver that needs the init's pid (systemd) creates the cgroup right after clone(),
    // before kGo: the init is then already in it and joins nothing itself.
    const bool cgroup_after_clone = plan.cgroup_driver && plan.cgroup_driver->needs_init_pid();
    const bool deferred_cgroup = plan.cgroup_driver && simple_launch && !cgroup_after_clone;
    if (plan.cgroup_driver) driver_name = plan.cgroup_driver->info().name;

    // (3) Clone the init and run the handshake; (4), right after clone() (while the init makes
    // its namespaces): the state dir, the config copy and the exec fifo (the init blocks on it
    // until start; none when start follows in this process), whose fd goes to the init with kGo.
    fs::path config_copy;
    UniqueFd fifo_path_fd;
    std::function<int()> prepare_host = [&]() -> int {
        dir.emplace(impl_->store.create(opts.id));
        fault::point("create-state-dir-made");
        config_copy = dir->path() / "config.json";
        fileio::write_atomic(config_copy, plan.config_json, false, 0600);
        fault::point("create-config-copied");
        if (opts.start_after_create) return -1;
        const fs::path fifo = dir->path() / container::kExecFifoName;
        if (::mkfifo(fifo.c_str(), 0622) != 0) throw sys_error("mkfifo " + fifo.string());
        if (::chmod(fifo.c_str(), 0622) != 0) throw sys_error("chmod " + fifo.string());  // undo umask
        fifo_path_fd = UniqueFd(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
        if (!fifo_path_fd) throw sys_error("open " + fifo.string());
        return fifo_path_fd.get();
    };
    // A cgroup needed before clone() comes after the state dir with its config.json copy, so
    // that whatever kills this process in between, `delete --force ID` finds the dir and, from
    // the copy's cgroupsPath, the cgroup (a cgroup with no state dir would be found by nobody).
    if (plan.cgroup_driver && !deferred_cgroup && !cgroup_after_clone) {
        const int fifo_fd = prepare_host();
        prepare_host = [fifo_fd] { return fifo_fd; };
        create_cgroup(0);
    }
    fault::point("create-before-clone");
    container::LaunchRequest launch;
    launch.init.spec = &plan.spec;
    launch.init.rootfs = plan.rootfs.string();
    launch.init.start_on_sync = opts.start_after_create;
    launch.init.console_socket_fd = console ? console.get() : -1;
    launch.init.preserve_fds = opts.preserve_fds;
    launch.init.no_pivot = opts.no_pivot;
    launch.init.shares_mount_namespace = !has_mount_namespace(plan.spec);
    launch.init.no_new_keyring = opts.no_new_keyring;
    launch.init.user_namespace = (plan.clone_flags & CLONE_NEWUSER) != 0;
    launch.init.seccomp = plan.seccomp ? &*plan.seccomp : nullptr;
    launch.init.lsm = plan.lsm;
    launch.init.container_id = opts.id;
    launch.init.bundle = plan.bundle.string();
    launch.prepare_host = prepare_host;
    launch.clone_flags = plan.clone_flags;
    if (simple_launch) {
        launch.clone_flags = plan.clone_flags & CLONE_NEWPID;
        launch.init.unshare_flags = plan.clone_flags & ~CLONE_NEWPID;
    }
    launch.id_maps = plan.id_maps;
    launch.cgroup = cgroup.get();
    if (cgroup_after_clone) launch.create_cgroup_holding = create_cgroup;
    if (deferred_cgroup) {
        launch.create_cgroup = [&create_cgroup] { return create_cgroup(0); };
        launch.init.deferred_cgroup_driver = plan.cgroup_driver;
        launch.init.host = &impl_->host;
    }
    launch.container_id = opts.id;
    launch.bundle = plan.bundle.string();
    launch.annotations = plan.spec.annotations;
    // (5) The record: state.json and --pid-file.
    state::StoredState st;
    auto record = [&](pid_t pid) {
        st.id = opts.id;
        st.ociVersion = spec::kSpecVersion;  // the state's own version (runc writes its own)
        st.init_pid = pid;
        auto start_time = container::process_start_time(pid);
        if (!start_time) throw Error("container init exited before it was ready");
        fault::point("create-before-state-json", pid);
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
        st.started = opts.start_after_create;  // saved once: start only sends kStart then
        dir->save(st);
        fault::point("create-state-json-written", pid);
        log::debug("create ", opts.id, ": state written to ", dir->path().native());
    };
    UniqueFd start_socket;
    if (opts.start_after_create) {
        launch.keep_sync_socket = &start_socket;
        // Written while the init sets up, so that start follows kReady at once. Until then
        // the container reads as running; a failed create removes it with the whole dir.
        launch.while_init_sets_up = record;
    }
    log::debug("create ", opts.id, ": starting the init");
    const pid_t pid = container::launch_init(launch);
    log::debug("create ", opts.id, ": init ", pid, " is ready");
    console.reset();
    fifo_path_fd.reset();
    try {
        if (!opts.start_after_create) record(pid);
        if (!opts.pid_file.empty()) {
            try {
                fileio::write_atomic(fs::absolute(opts.pid_file), std::to_string(pid), false, 0644);
            } catch (const Error& e) {
                throw Error("--pid-file " + opts.pid_file + ": " + e.what());
            }
        }
        fault::point("create-recorded", pid);
    } catch (...) {
        container::kill_and_reap(pid);  // our child: nothing of it is left
        throw;
    }
    rollback.commit();

    auto rec = impl_->record(opts.id, true);
    rec->cached = st;
    rec->hooks = plan.spec.hooks ? *plan.spec.hooks : spec::Hooks{};
    rec->start_socket = std::move(start_socket);
    return Container(std::move(rec));
}

Container Runtime::open(const std::string& id) {
    if (id.empty()) throw Error("container id cannot be empty");
    state::validate_id(id);
    impl_->store.require_present(id);
    auto rec = impl_->record(id, false);
    try {
        rec->cached = impl_->store.open(id).load();
    } catch (const Error&) {
        impl_->store.require_present(id);  // deleted meanwhile
        // Unreadable state: each operation reports it, and delete --force still removes it.
    }
    return Container(std::move(rec));
}

std::vector<ContainerState> Runtime::list(const UnreadableContainer& unreadable) {
    std::vector<ContainerState> out;
    for (const auto& id : impl_->store.ids()) {
        try {
            // state() locks, loads and derives the status itself: one pass per container
            // (open() would lock and load it once more first).
            out.push_back(Container(impl_->record(id, false)).state());
        } catch (const Error& e) {
            if (!fs::exists(impl_->store.root() / id)) continue;  // deleted meanwhile
            if (unreadable) unreadable(id, e.what());
            else log::warn("load container " + id + ": " + e.what());
        }
    }
    return out;
}

}  // namespace ocirun
