// ocirun/plugin.hpp — the plugin SDK: one interface per plugin kind, the ABI version, and the
// export macro. This header (with spec.hpp and error.hpp) is all a plugin author compiles against.
//
// ABI rule: OCIRUN_PLUGIN_ABI_VERSION changes whenever any class or struct in this header (or in
// spec.hpp) changes layout or virtual-table order. The loader refuses a plugin built against
// another version before calling any of its C++ code. Plugins must be built with the same C++
// standard library (libstdc++) as ocirun, since std::string and std::vector cross the boundary.
#pragma once

#include <sys/types.h>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ocirun/error.hpp"
#include "ocirun/spec.hpp"

#define OCIRUN_PLUGIN_ABI_VERSION 8u  // 2: CompiledFilter::skipped_syscalls
                                      // 3: HostContext::state_root, SyscallFilter::set_cache_dir,
                                      //    CompiledFilter::from_cache
                                      // 4: CgroupDriver::find
                                      // 5: Cgroup::add_process_to_sub (exec --cgroup through
                                      //    the driver, not the core writing cgroup.procs)
                                      // 6: CgroupConfig::init_pid, CgroupDriver::needs_init_pid
                                      //    (the systemd driver's scope is started holding the init)
                                      // 7: Lsm chosen by fields(); validate/set_exec_label take
                                      //    the field; set_key_label, label_mount_root
                                      // 8: Checkpoint/RestoreRequest carry the config, cgroup,
                                      //    every runc flag and the restore callbacks (criu)

namespace ocirun::plugin {

enum class Kind : std::uint32_t {
    CgroupDriver = 1,
    Lsm = 2,
    SyscallFilter = 3,
    Checkpointer = 4,
};

// The kind's name as used in file names, the config file and `ocirun plugins`.
inline const char* kind_name(Kind k) {
    switch (k) {
        case Kind::CgroupDriver: return "cgroup-driver";
        case Kind::Lsm: return "lsm";
        case Kind::SyscallFilter: return "syscall-filter";
        case Kind::Checkpointer: return "checkpointer";
    }
    return "unknown";
}

struct Info {
    std::string name;     // "seccomp", "cgroups-v1": also the file name stem (see docs/plugins.md)
    Kind kind{};
    std::string version;  // the plugin's own version
    std::string description;
};

// Facts about the invocation a plugin may need.
struct HostContext {
    bool rootless = false;
    bool systemd_cgroup = false;  // --systemd-cgroup was given
    bool debug = false;
    std::string state_root;       // --root of this invocation; plugins may keep caches under it
};

class Plugin {
public:
    virtual ~Plugin() = default;
    virtual Info info() const = 0;
    // Empty when the plugin can work on this host, else why not ("AppArmor is not enabled in
    // the kernel"). Cheap: called by `ocirun plugins` and before choosing a plugin.
    virtual std::string unavailable_reason(const HostContext&) const { return {}; }
    // This plugin's part of `ocirun features`, as a JSON object text (may be "{}").
    virtual std::string features_json() const { return "{}"; }
};

// ---------------------------------------------------------------- cgroup-driver
struct CgroupConfig {
    std::string container_id;
    std::string cgroups_path;                            // linux.cgroupsPath as given; may be empty
    const spec::LinuxResources* resources = nullptr;     // may be null
    bool cgroup_namespace = false;                       // the container gets its own cgroup ns
    // The container init's host pid, for create() of a driver whose needs_init_pid() is true
    // (0 otherwise: validate(), find(), and drivers that create the cgroup before the init).
    pid_t init_pid = 0;
};

// One container's cgroup (on v1: a directory per controller; on v2: one directory).
class Cgroup {
public:
    virtual ~Cgroup() = default;
    // Move a process into the cgroup (every hierarchy). Called before it runs user code.
    // pid 0 means the calling process itself, which is single-threaded: the core's container
    // init and exec child join this way. A v1 driver should then write "0" to each `tasks`
    // file: moving only the current thread skips the kernel's global threadgroup lock, whose
    // RCU sync costs 1-4 ms (more under load) on every write of another pid to cgroup.procs.
    virtual void add_process(pid_t pid) = 0;
    // `exec --cgroup`: move pid into existing sub-cgroups of this cgroup. sub_paths maps a
    // controller ("" for every hierarchy without its own entry) to a path relative to this
    // cgroup ("/" is the cgroup itself). The core has checked that each path stays inside
    // (ocirun_host/sub_cgroup.hpp); the driver moves the process its own way (a systemd driver
    // asks systemd). Throws "--cgroup SUB: why" when a sub-cgroup cannot be joined.
    virtual void add_process_to_sub(pid_t pid, const std::map<std::string, std::string>& sub_paths) = 0;
    // Apply resources (create and update). Throws naming the field/controller that failed.
    virtual void set_resources(const spec::LinuxResources& resources) = 0;
    // Every pid in the cgroup and its descendants.
    virtual std::vector<pid_t> pids() const = 0;
    // Freeze and wait until frozen / thaw.
    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    // Signal every process in the cgroup.
    virtual void kill_all(int signal) = 0;
    // runc's `events --stats` "data" object as JSON text (cpu, memory, pids, blkio, hugetlb...).
    virtual std::string stats_json() const = 0;
    // An fd that becomes readable when the OOM killer fires in this cgroup, or -1 if unsupported.
    // The caller owns and closes it.
    virtual int open_oom_notifier() { return -1; }
    // Remove the directories this cgroup created (not pre-existing ones). Processes must be gone.
    virtual void destroy() = 0;
    // Opaque text the core stores in state.json and hands back to CgroupDriver::open().
    virtual std::string save() const = 0;
    // controller (or "" for v2 unified) -> absolute path, for `state` and containerd's readers.
    virtual std::map<std::string, std::string> paths() const = 0;
};

class CgroupDriver : public Plugin {
public:
    // Before anything is created: refuse resources this host cannot apply, naming the field.
    virtual void validate(const CgroupConfig& config, const HostContext& host) const = 0;
    // Create the cgroup (directories, parents as needed) and apply config.resources.
    // On failure, removes what it created and throws.
    virtual std::unique_ptr<Cgroup> create(const CgroupConfig& config, const HostContext& host) = 0;
    // Reopen a cgroup from Cgroup::save() text.
    virtual std::unique_ptr<Cgroup> open(const std::string& saved, const HostContext& host) = 0;
    // Reopen, without creating anything, the cgroup create() makes for `config` (the same
    // placement), when its save() text is lost (a corrupt state.json): `delete --force` then
    // still kills its processes and removes it. Its leaf directories count as created by it;
    // nullptr when none exists (or the driver cannot tell).
    virtual std::unique_ptr<Cgroup> find(const CgroupConfig&, const HostContext&) { return nullptr; }
    // True when create() needs config.init_pid (systemd starts a scope unit with its first
    // process in it): the core then calls create() after clone(), before the init runs any step,
    // and the cgroup already holds the init when create() returns.
    virtual bool needs_init_pid() const { return false; }
};

// ---------------------------------------------------------------- lsm
// An lsm plugin applies some of the bundle's LSM fields, named as in config.json:
// "process.apparmorProfile", "process.selinuxLabel", "linux.mountLabel" (exec's --apparmor and
// --process-label set the two process fields). For each field a bundle sets, the core takes the
// first lsm plugin in search order whose fields() name it and whose unavailable_reason() is
// empty; when none is available, the first one naming it, whose validate() then refuses with
// the host's reason. A bundle setting none of these fields loads no lsm plugin. Nothing here
// knows plugin names: a third-party plugin serving a field is chosen the same way.
class Lsm : public Plugin {
public:
    // The config.json fields this plugin applies (see above).
    virtual std::vector<std::string> fields() const = 0;
    // In the runtime, before anything is created: refuse `value` for `field` when it is malformed,
    // unknown to the host, or the LSM is not enabled here, throwing ocirun::Error whose text
    // starts with the field ("process.apparmorProfile: ..."); the core puts where the field came
    // from in front ("config.json: ", "exec: ").
    virtual void validate(const std::string& field, const std::string& value) const = 0;
    // Child side (container init / exec process), before the syscall filter is loaded: the label
    // the process takes at its next execve (AppArmor change_onexec, SELinux setexeccon).
    virtual void set_exec_label(const std::string& field, const std::string& label) = 0;
    // Child side, right before the new session keyring is joined: the label of keys and keyrings
    // the process creates (SELinux setkeycreatecon). Most LSMs have none.
    virtual void set_key_label(const std::string& field, const std::string& label) {
        (void)field;
        (void)label;
    }
    // The mount data option carrying linux.mountLabel ("context=\"...\""), "" if none. Added to
    // every mount that takes one (tmpfs, devpts, ...; not bind, proc, sysfs, cgroup, mqueue).
    virtual std::string mount_label_option(const std::string& mount_label) const = 0;
    // Child side: label the root of a mount that takes no label option (mqueue) at `path`.
    virtual void label_mount_root(const std::string& path, const std::string& mount_label) {
        (void)path;
        (void)mount_label;
    }
};

// ---------------------------------------------------------------- syscall-filter
// A filter compiled in the runtime (parent) before clone; the child loads it with seccomp(2)
// as the last step before execve, so no filter library code runs in the container.
struct CompiledFilter {
    std::vector<std::uint8_t> bpf;  // struct sock_filter[] bytes
    unsigned int flags = 0;         // SECCOMP_FILTER_FLAG_* to pass to seccomp(2)
    bool notify = false;            // contains SCMP_ACT_NOTIFY: the load returns a listener fd
    std::string listener_path;      // linux.seccomp.listenerPath
    std::string listener_metadata;  // linux.seccomp.listenerMetadata
    std::vector<std::string> skipped_syscalls;  // names unknown to the filter library: skipped
                                                // like runc; the core logs them at debug level
    bool from_cache = false;        // taken from the compiled-filter cache, not compiled now
};

class SyscallFilter : public Plugin {
public:
    // Validate and compile. Throws naming the JSON path ("linux.seccomp.syscalls[3].action: ...").
    virtual CompiledFilter compile(const spec::LinuxSeccomp& seccomp) = 0;
    // Where compile() may keep compiled filters between invocations (the registry passes
    // <--root>/~seccomp-cache: '~' is never in a container id). Empty: no cache. The plugin
    // creates the directory (0700) when the parent exists, and ignores it when it is not safe.
    virtual void set_cache_dir(const std::string& dir) { (void)dir; }
};

// ---------------------------------------------------------------- checkpointer
// What the core knows of a container to checkpoint or restore; how that is described to the
// checkpointing tool (CRIU's external mounts, namespaces, image files) is the plugin's business.
struct CheckpointRequest {
    std::string container_id;
    pid_t init_pid = 0;
    std::string rootfs;
    std::string bundle;
    std::string state_dir;                 // the container's state dir (default work dir)
    const spec::Spec* config = nullptr;    // the container's stored config.json (never null)
    std::map<std::string, std::string> cgroup_paths;  // Cgroup::paths() ("" = v2), may be empty
    std::string image_path, work_path, parent_path;
    bool leave_running = false, tcp_established = false, ext_unix_sk = false;
    bool shell_job = false, file_locks = false, pre_dump = false, auto_dedup = false;
    bool lazy_pages = false;
    int status_fd = -1;                    // --status-fd, -1: none
    std::string page_server;               // --page-server ADDRESS:PORT, "" none
    std::string manage_cgroups_mode;       // soft|full|strict|ignore, "" = the tool's default
    std::vector<std::string> empty_ns;     // namespace types ("network")
};

struct RestoreRequest {
    std::string container_id;
    std::string rootfs;
    std::string bundle;
    std::string state_dir;                 // the new container's state dir (exists, empty)
    const spec::Spec* config = nullptr;    // the bundle's config.json (never null)
    std::map<std::string, std::string> cgroup_paths;  // the new container's cgroup, may be empty
    std::string image_path, work_path, parent_path;
    bool tcp_established = false, ext_unix_sk = false, shell_job = false, file_locks = false;
    bool auto_dedup = false, lazy_pages = false, no_pivot = false;
    std::string manage_cgroups_mode;
    std::vector<std::string> empty_ns;
    std::string lsm_profile, lsm_mount_context;
    // Receives the restored terminal's pty master (SCM_RIGHTS), -1: no console socket.
    int console_socket_fd = -1;
    // Called by the plugin with the pid of the process that restores the tree, before it restores
    // anything: the core moves it into the container's cgroup, where the restored tree then lands.
    std::function<void(pid_t)> enter_cgroup;
    // The restored namespaces exist (pid: a process in them): prestart/createRuntime hooks.
    std::function<void(pid_t)> namespaces_ready;
    // The tree runs again, `pid` its init (host pid): the core records the container.
    std::function<void(pid_t)> restored;
};

class Checkpointer : public Plugin {
public:
    virtual void checkpoint(const CheckpointRequest& request) = 0;
    // Returns the restored init's host pid; the init is a child of the calling process.
    virtual pid_t restore(const RestoreRequest& request) = 0;
};

}  // namespace ocirun::plugin

// ---------------------------------------------------------------- export macro
// In exactly one .cpp of a plugin:   OCIRUN_PLUGIN(MyPluginClass)
// It exports the ABI version as a plain C variable (read before any C++ is called) and, through
// Boost.DLL, a factory `ocirun_plugin_create` returning a new MyPluginClass (owned by the caller).
#define OCIRUN_PLUGIN(PluginClass)                                                              \
    extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t ocirun_plugin_abi_version =               \
        OCIRUN_PLUGIN_ABI_VERSION;                                                               \
    namespace ocirun_plugin_export {                                                             \
    ::ocirun::plugin::Plugin* create() { return new PluginClass(); }                              \
    }                                                                                            \
    BOOST_DLL_ALIAS(ocirun_plugin_export::create, ocirun_plugin_create)
