// The container process's identity and limits: rlimits, oom_score_adj, session keyring, user and
// groups, capabilities, no_new_privs, umask, cwd, personality; the scheduling attributes are
// delegated to process_scheduling.cpp.
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>

#include "linux/capabilities.hpp"
#include "linux/init_steps.hpp"
#include "linux/path_in_root.hpp"
#include "ocirun/error.hpp"
#include "spec/known_names.hpp"

namespace ocirun::linux_init {
namespace {

struct CapState {
    cap_t caps = nullptr;
    ~CapState() { if (caps) cap_free(caps); }
};

void set_flag(cap_t caps, cap_flag_t flag, const std::set<int>& values, const char* field) {
    for (int v : values) {
        cap_value_t cv = v;
        if (cap_set_flag(caps, flag, 1, &cv, CAP_SET) != 0)
            throw sys_error(std::string("config.json: process.capabilities.") + field);
    }
}

}  // namespace

void apply_rlimits(const spec::Process& process) {
    for (std::size_t i = 0; i < process.rlimits.size(); ++i) {
        const auto& r = process.rlimits[i];
        const std::string where = "config.json: process.rlimits[" + std::to_string(i) + "] (" + r.type + ")";
        auto resource = spec::rlimit_resource(r.type);
        if (!resource) throw Error(where + ": unknown rlimit type");
        struct rlimit now {};
        ::getrlimit(*resource, &now);
        struct rlimit want {r.soft, r.hard};
        if (::setrlimit(*resource, &want) != 0) {
            const int err = errno;
            if (err == EPERM && r.hard > now.rlim_max)
                throw Error(where + ": setrlimit: " + std::strerror(err) +
                            " (raising a hard limit needs CAP_SYS_RESOURCE)");
            throw sys_error(where + ": setrlimit", err);
        }
    }
}

void apply_oom_score_adj(const spec::Process& process) {
    if (!process.oomScoreAdj) return;
    UniqueFd fd(::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC));
    const std::string value = std::to_string(*process.oomScoreAdj);
    if (!fd || ::write(fd.get(), value.data(), value.size()) < 0)
        throw sys_error("config.json: process.oomScoreAdj: write /proc/self/oom_score_adj");
}

void join_session_keyring() {
    // A fresh session keyring so the container cannot reach the runtime's keys.
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "_ses.ocirun") < 0 && errno != ENOSYS)
        throw sys_error("join a new session keyring (use --no-new-keyring to skip)");
}

namespace {
// The euid ocirun started with, read before main(): the init and exec's child are copies of this
// process whose own euid changes once they are in a user namespace.
const bool kStartedUnprivileged = ::geteuid() != 0;
bool rootless_runtime() { return kStartedUnprivileged; }
}  // namespace

void apply_user_and_capabilities(const spec::Process& process, bool in_user_ns) {
    const spec::LinuxCapabilities none;
    const spec::LinuxCapabilities& want = process.capabilities ? *process.capabilities : none;
    // available_capabilities: unknown or unavailable names are left out (create and exec warned).

    // Bounding set first: dropping needs CAP_SETPCAP, which we still have as root.
    const std::set<int> bounding = available_capabilities(want.bounding);
    for (int c = 0; c <= static_cast<int>(cap_max_bits()) - 1; ++c) {
        if (bounding.count(c)) continue;
        if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
            throw sys_error("config.json: process.capabilities.bounding: drop capability " + std::to_string(c));
    }

    // Keep the permitted set across the uid change; capabilities are set explicitly after.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw sys_error("prctl(PR_SET_KEEPCAPS)");
    const auto& u = process.user;
    std::vector<gid_t> groups(u.additionalGids.begin(), u.additionalGids.end());
    if (in_user_ns && rootless_runtime()) {
        // runc: a non-root runtime never calls setgroups (the process keeps the caller's groups).
        if (!groups.empty())
            throw Error("config.json: process.user.additionalGids: cannot set any additional groups in a rootless container");
    } else if (::setgroups(groups.size(), groups.data()) != 0) {
        // A user namespace with setgroups denied can only have an empty list.
        if (!(in_user_ns && errno == EPERM && groups.empty()))
            throw sys_error("config.json: process.user.additionalGids: setgroups");
    }
    if (::setresgid(u.gid, u.gid, u.gid) != 0)
        throw sys_error("config.json: process.user.gid: setresgid(" + std::to_string(u.gid) + ")");
    if (::setresuid(u.uid, u.uid, u.uid) != 0)
        throw sys_error("config.json: process.user.uid: setresuid(" + std::to_string(u.uid) + ")");
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw sys_error("prctl(PR_SET_KEEPCAPS)");

    CapState st;
    st.caps = cap_init();
    if (!st.caps) throw sys_error("cap_init");
    set_flag(st.caps, CAP_EFFECTIVE, available_capabilities(want.effective), "effective");
    set_flag(st.caps, CAP_PERMITTED, available_capabilities(want.permitted), "permitted");
    set_flag(st.caps, CAP_INHERITABLE, available_capabilities(want.inheritable), "inheritable");
    if (cap_set_proc(st.caps) != 0)
        throw sys_error("config.json: process.capabilities: set effective/permitted/inheritable");

    // One prctl; libcap's cap_reset_ambient() first asks about every capability (~41 calls).
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        throw sys_error("config.json: process.capabilities.ambient: clear");
    // A cap can only be ambient when it is permitted and inheritable; runc skips the others
    // silently (its default spec lists ambient caps without inheritable ones), and so do we.
    for (int c : available_capabilities(want.ambient))
        if (cap_set_ambient(c, CAP_SET) != 0 && errno != EPERM)
            throw sys_error("config.json: process.capabilities.ambient: raise capability " + std::to_string(c));
}

void apply_no_new_privileges(const spec::Process& process) {
    if (process.noNewPrivileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        throw sys_error("config.json: process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
}

void apply_umask(const spec::Process& process) {
    // runc's default is 0022 whatever the runtime's own umask was.
    ::umask(static_cast<mode_t>(process.user.umask.value_or(022) & 0777));
}

void apply_process_attributes(const spec::Process& process) {
    // While still root with every capability: a real-time policy or IOPRIO_CLASS_RT needs them.
    apply_scheduler(process);
    apply_io_priority(process);
    apply_final_cpu_affinity(process);
}

void make_cwd(const spec::Process& process, int root_fd) {
    if (process.cwd.empty()) return;
    try {
        resolve_in_root(root_fd, process.cwd, Create::kDir);
    } catch (const Error& e) {
        throw Error("config.json: process.cwd: " + std::string(e.what()));
    }
}

void enter_cwd(const spec::Process& process) {
    const std::string cwd = process.cwd.empty() ? "/" : process.cwd;
    if (::chdir(cwd.c_str()) != 0) throw sys_error("config.json: process.cwd: chdir " + cwd);
}

}  // namespace ocirun::linux_init

namespace ocirun::linux_init {

void apply_personality(const spec::Spec& spec) {
    if (!spec.linuxSection || !spec.linuxSection->personality) return;
    const auto& p = *spec.linuxSection->personality;
    auto persona = spec::personality_domain(p.domain);
    if (!persona) throw Error("config.json: linux.personality.domain: unknown domain \"" + p.domain + "\"");
    unsigned long value = *persona;
    for (const auto& name : p.flags) {
        auto bits = spec::personality_flag(name);
        if (!bits) throw Error("config.json: linux.personality.flags: unknown flag \"" + name + "\"");
        value |= *bits;
    }
    if (::personality(value) < 0) throw sys_error("config.json: linux.personality: personality");
}

}  // namespace ocirun::linux_init
