// The config.json `ocirun spec` writes: the same content as `runc spec` (and
// `runc spec --rootless`), with our ociVersion. The unit test compares it with runc's output.
#include "spec/spec_json.hpp"

#include <unistd.h>

namespace ocirun::spec {
namespace {

Mount mount(std::string destination, std::string type, std::string source, std::vector<std::string> options = {}) {
    Mount m;
    m.destination = std::move(destination);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

Process default_process() {
    Process p;
    p.terminal = true;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    LinuxCapabilities c;
    c.bounding = caps;
    c.effective = caps;
    c.permitted = caps;
    c.ambient = caps;
    p.capabilities = c;
    p.rlimits = {POSIXRlimit{"RLIMIT_NOFILE", 1024, 1024}};
    p.noNewPrivileges = true;
    return p;
}

std::vector<Mount> default_mounts(bool rootless) {
    std::vector<Mount> mounts;
    mounts.push_back(mount("/proc", "proc", "proc"));
    mounts.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    // Rootless: no gid=5, the tty group need not be mapped.
    std::vector<std::string> pts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
    if (!rootless) pts.push_back("gid=5");
    mounts.push_back(mount("/dev/pts", "devpts", "devpts", pts));
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    // Rootless: sysfs cannot be mounted without a network namespace owned by the user; bind it.
    if (rootless)
        mounts.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
    else
        mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
    mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    return mounts;
}

Linux default_linux(bool rootless) {
    Linux l;
    if (rootless) {
        // Like runc: map container root to the invoking user and group, one id each.
        l.uidMappings = {LinuxIDMapping{0, static_cast<std::uint32_t>(::geteuid()), 1}};
        l.gidMappings = {LinuxIDMapping{0, static_cast<std::uint32_t>(::getegid()), 1}};
        l.namespaces = {{"pid", ""}, {"ipc", ""}, {"uts", ""}, {"mount", ""}, {"user", ""}};
    } else {
        LinuxResources r;
        LinuxDeviceCgroup deny_all;
        deny_all.allow = false;
        deny_all.access = "rwm";
        r.devices = {deny_all};
        l.resources = r;
        l.namespaces = {{"pid", ""}, {"network", ""}, {"ipc", ""}, {"uts", ""}, {"mount", ""}};
    }
    l.maskedPaths = {"/proc/acpi",        "/proc/asound",      "/proc/kcore",       "/proc/keys",
                     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                     "/sys/firmware",     "/proc/scsi"};
    l.readonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    return l;
}

}  // namespace

Spec default_spec(bool rootless) {
    Spec s;
    s.ociVersion = kSpecVersion;
    s.process = default_process();
    s.root = Root{"rootfs", true};
    s.hostname = "runc";
    s.mounts = default_mounts(rootless);
    s.linuxSection = default_linux(rootless);
    return s;
}

}  // namespace ocirun::spec
