// ocirun/plugin_layout.hpp — the layout table of every type that crosses the plugin boundary:
// sizeof/alignof of each struct, offsetof of each field, the virtual-table slot of each method.
//
// Why: OCIRUN_PLUGIN_ABI_VERSION is a promise a human keeps. This table is what the compiler
// actually laid out, hashed into every plugin's descriptor (plugin_descriptor.hpp): the loader
// refuses a plugin whose SDK headers (or flags such as _GLIBCXX_DEBUG) laid the types out
// differently, and tests/unit/plugin_layout_test.cpp compares the table with a committed copy,
// so a layout change without an ABI bump fails CI.
//
// Adding a field or a virtual method to the SDK: add it here, bump OCIRUN_PLUGIN_ABI_VERSION,
// and regenerate the committed table (the test prints how).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun::plugin::layout {

// Template types with commas cannot be macro arguments: named here.
using StringMap = std::map<std::string, std::string>;
using StringVector = std::vector<std::string>;
using ByteVector = std::vector<std::uint8_t>;
using OptionalU32 = std::optional<std::uint32_t>;
using PidCallback = std::function<void(pid_t)>;
using CgroupPtr = std::unique_ptr<Cgroup>;

// S(type): sizeof and alignof.  F(type, field): offsetof.
#define OCIRUN_SDK_STD_TYPES(S, F) \
    S(std::string) S(StringVector) S(ByteVector) S(StringMap) S(OptionalU32) S(PidCallback) S(CgroupPtr) \
    S(std::runtime_error) S(ocirun::Error) S(ocirun::InvalidConfig)

#define OCIRUN_SDK_PLUGIN_TYPES(S, F) \
    S(Info) F(Info, name) F(Info, kind) F(Info, version) F(Info, description) \
    S(HostContext) F(HostContext, rootless) F(HostContext, systemd_cgroup) F(HostContext, debug) \
        F(HostContext, state_root) \
    S(CgroupConfig) F(CgroupConfig, container_id) F(CgroupConfig, cgroups_path) F(CgroupConfig, resources) \
        F(CgroupConfig, cgroup_namespace) F(CgroupConfig, init_pid) \
    S(CompiledFilter) F(CompiledFilter, bpf) F(CompiledFilter, flags) F(CompiledFilter, notify) \
        F(CompiledFilter, listener_path) F(CompiledFilter, listener_metadata) \
        F(CompiledFilter, skipped_syscalls) F(CompiledFilter, from_cache) \
    S(CheckpointRequest) F(CheckpointRequest, container_id) F(CheckpointRequest, init_pid) \
        F(CheckpointRequest, rootfs) F(CheckpointRequest, bundle) F(CheckpointRequest, state_dir) \
        F(CheckpointRequest, config) F(CheckpointRequest, cgroup_paths) F(CheckpointRequest, image_path) \
        F(CheckpointRequest, work_path) F(CheckpointRequest, parent_path) F(CheckpointRequest, leave_running) \
        F(CheckpointRequest, tcp_established) F(CheckpointRequest, ext_unix_sk) F(CheckpointRequest, shell_job) \
        F(CheckpointRequest, file_locks) F(CheckpointRequest, pre_dump) F(CheckpointRequest, auto_dedup) \
        F(CheckpointRequest, lazy_pages) F(CheckpointRequest, status_fd) F(CheckpointRequest, page_server) \
        F(CheckpointRequest, manage_cgroups_mode) F(CheckpointRequest, empty_ns) \
    S(RestoreRequest) F(RestoreRequest, container_id) F(RestoreRequest, rootfs) F(RestoreRequest, bundle) \
        F(RestoreRequest, state_dir) F(RestoreRequest, config) F(RestoreRequest, cgroup_paths) \
        F(RestoreRequest, image_path) F(RestoreRequest, work_path) F(RestoreRequest, parent_path) \
        F(RestoreRequest, tcp_established) F(RestoreRequest, ext_unix_sk) F(RestoreRequest, shell_job) \
        F(RestoreRequest, file_locks) F(RestoreRequest, auto_dedup) F(RestoreRequest, lazy_pages) \
        F(RestoreRequest, no_pivot) F(RestoreRequest, manage_cgroups_mode) F(RestoreRequest, empty_ns) \
        F(RestoreRequest, lsm_profile) F(RestoreRequest, lsm_mount_context) F(RestoreRequest, console_socket_fd) \
        F(RestoreRequest, enter_cgroup) F(RestoreRequest, namespaces_ready) F(RestoreRequest, restored) \
    S(Plugin) S(Cgroup) S(CgroupDriver) S(Lsm) S(SyscallFilter) S(Checkpointer)

#define OCIRUN_SDK_SPEC_TYPES(S, F) \
    S(spec::Box) F(spec::Box, height) F(spec::Box, width) \
    S(spec::User) F(spec::User, uid) F(spec::User, gid) F(spec::User, umask) F(spec::User, additionalGids) F(spec::User, username) \
    S(spec::LinuxCapabilities) F(spec::LinuxCapabilities, bounding) F(spec::LinuxCapabilities, effective) F(spec::LinuxCapabilities, inheritable) F(spec::LinuxCapabilities, permitted) F(spec::LinuxCapabilities, ambient) \
    S(spec::POSIXRlimit) F(spec::POSIXRlimit, type) F(spec::POSIXRlimit, hard) F(spec::POSIXRlimit, soft) \
    S(spec::Scheduler) F(spec::Scheduler, policy) F(spec::Scheduler, nice) F(spec::Scheduler, priority) F(spec::Scheduler, flags) F(spec::Scheduler, runtime) F(spec::Scheduler, deadline) F(spec::Scheduler, period) \
    S(spec::IOPriority) F(spec::IOPriority, ioClass) F(spec::IOPriority, priority) \
    S(spec::CPUAffinity) F(spec::CPUAffinity, initial) F(spec::CPUAffinity, final) \
    S(spec::Process) F(spec::Process, terminal) F(spec::Process, consoleSize) F(spec::Process, user) F(spec::Process, args) F(spec::Process, commandLine) F(spec::Process, env) F(spec::Process, cwd) F(spec::Process, capabilities) F(spec::Process, rlimits) F(spec::Process, noNewPrivileges) F(spec::Process, apparmorProfile) F(spec::Process, oomScoreAdj) F(spec::Process, scheduler) F(spec::Process, selinuxLabel) F(spec::Process, ioPriority) F(spec::Process, execCPUAffinity) \
    S(spec::Root) F(spec::Root, path) F(spec::Root, readonly) \
    S(spec::LinuxIDMapping) F(spec::LinuxIDMapping, containerID) F(spec::LinuxIDMapping, hostID) F(spec::LinuxIDMapping, size) \
    S(spec::Mount) F(spec::Mount, destination) F(spec::Mount, type) F(spec::Mount, source) F(spec::Mount, options) F(spec::Mount, uidMappings) F(spec::Mount, gidMappings) \
    S(spec::Hook) F(spec::Hook, path) F(spec::Hook, args) F(spec::Hook, env) F(spec::Hook, timeout) \
    S(spec::Hooks) F(spec::Hooks, prestart) F(spec::Hooks, createRuntime) F(spec::Hooks, createContainer) F(spec::Hooks, startContainer) F(spec::Hooks, poststart) F(spec::Hooks, poststop) \
    S(spec::LinuxDeviceCgroup) F(spec::LinuxDeviceCgroup, allow) F(spec::LinuxDeviceCgroup, type) F(spec::LinuxDeviceCgroup, major) F(spec::LinuxDeviceCgroup, minor) F(spec::LinuxDeviceCgroup, access) \
    S(spec::LinuxMemory) F(spec::LinuxMemory, limit) F(spec::LinuxMemory, reservation) F(spec::LinuxMemory, swap) F(spec::LinuxMemory, kernel) F(spec::LinuxMemory, kernelTCP) F(spec::LinuxMemory, swappiness) F(spec::LinuxMemory, disableOOMKiller) F(spec::LinuxMemory, useHierarchy) F(spec::LinuxMemory, checkBeforeUpdate) \
    S(spec::LinuxCPU) F(spec::LinuxCPU, shares) F(spec::LinuxCPU, quota) F(spec::LinuxCPU, burst) F(spec::LinuxCPU, period) F(spec::LinuxCPU, realtimeRuntime) F(spec::LinuxCPU, realtimePeriod) F(spec::LinuxCPU, cpus) F(spec::LinuxCPU, mems) F(spec::LinuxCPU, idle) \
    S(spec::LinuxPids) F(spec::LinuxPids, limit) \
    S(spec::LinuxWeightDevice) F(spec::LinuxWeightDevice, major) F(spec::LinuxWeightDevice, minor) F(spec::LinuxWeightDevice, weight) F(spec::LinuxWeightDevice, leafWeight) \
    S(spec::LinuxThrottleDevice) F(spec::LinuxThrottleDevice, major) F(spec::LinuxThrottleDevice, minor) F(spec::LinuxThrottleDevice, rate) \
    S(spec::LinuxBlockIO) F(spec::LinuxBlockIO, weight) F(spec::LinuxBlockIO, leafWeight) F(spec::LinuxBlockIO, weightDevice) F(spec::LinuxBlockIO, throttleReadBpsDevice) F(spec::LinuxBlockIO, throttleWriteBpsDevice) F(spec::LinuxBlockIO, throttleReadIOPSDevice) F(spec::LinuxBlockIO, throttleWriteIOPSDevice) \
    S(spec::LinuxHugepageLimit) F(spec::LinuxHugepageLimit, pageSize) F(spec::LinuxHugepageLimit, limit) \
    S(spec::LinuxInterfacePriority) F(spec::LinuxInterfacePriority, name) F(spec::LinuxInterfacePriority, priority) \
    S(spec::LinuxNetwork) F(spec::LinuxNetwork, classID) F(spec::LinuxNetwork, priorities) \
    S(spec::LinuxRdma) F(spec::LinuxRdma, hcaHandles) F(spec::LinuxRdma, hcaObjects) \
    S(spec::LinuxResources) F(spec::LinuxResources, devices) F(spec::LinuxResources, memory) F(spec::LinuxResources, cpu) F(spec::LinuxResources, pids) F(spec::LinuxResources, blockIO) F(spec::LinuxResources, hugepageLimits) F(spec::LinuxResources, network) F(spec::LinuxResources, rdma) F(spec::LinuxResources, unified) \
    S(spec::LinuxSeccompArg) F(spec::LinuxSeccompArg, index) F(spec::LinuxSeccompArg, value) F(spec::LinuxSeccompArg, valueTwo) F(spec::LinuxSeccompArg, op) \
    S(spec::LinuxSyscall) F(spec::LinuxSyscall, names) F(spec::LinuxSyscall, action) F(spec::LinuxSyscall, errnoRet) F(spec::LinuxSyscall, args) \
    S(spec::LinuxSeccomp) F(spec::LinuxSeccomp, defaultAction) F(spec::LinuxSeccomp, defaultErrnoRet) F(spec::LinuxSeccomp, architectures) F(spec::LinuxSeccomp, flags) F(spec::LinuxSeccomp, listenerPath) F(spec::LinuxSeccomp, listenerMetadata) F(spec::LinuxSeccomp, syscalls) \
    S(spec::LinuxNamespace) F(spec::LinuxNamespace, type) F(spec::LinuxNamespace, path) \
    S(spec::LinuxDevice) F(spec::LinuxDevice, path) F(spec::LinuxDevice, type) F(spec::LinuxDevice, major) F(spec::LinuxDevice, minor) F(spec::LinuxDevice, fileMode) F(spec::LinuxDevice, uid) F(spec::LinuxDevice, gid) \
    S(spec::LinuxIntelRdt) F(spec::LinuxIntelRdt, closID) F(spec::LinuxIntelRdt, l3CacheSchema) F(spec::LinuxIntelRdt, memBwSchema) F(spec::LinuxIntelRdt, schemata) F(spec::LinuxIntelRdt, enableMonitoring) \
    S(spec::LinuxPersonality) F(spec::LinuxPersonality, domain) F(spec::LinuxPersonality, flags) \
    S(spec::LinuxTimeOffset) F(spec::LinuxTimeOffset, secs) F(spec::LinuxTimeOffset, nanosecs) \
    S(spec::LinuxMemoryPolicy) F(spec::LinuxMemoryPolicy, mode) F(spec::LinuxMemoryPolicy, nodes) F(spec::LinuxMemoryPolicy, flags) \
    S(spec::LinuxNetDevice) F(spec::LinuxNetDevice, name) \
    S(spec::Linux) F(spec::Linux, uidMappings) F(spec::Linux, gidMappings) F(spec::Linux, sysctl) F(spec::Linux, resources) F(spec::Linux, cgroupsPath) F(spec::Linux, namespaces) F(spec::Linux, devices) F(spec::Linux, seccomp) F(spec::Linux, rootfsPropagation) F(spec::Linux, maskedPaths) F(spec::Linux, readonlyPaths) F(spec::Linux, mountLabel) F(spec::Linux, intelRdt) F(spec::Linux, personality) F(spec::Linux, timeOffsets) F(spec::Linux, memoryPolicy) F(spec::Linux, netDevices) \
    S(spec::Spec) F(spec::Spec, ociVersion) F(spec::Spec, process) F(spec::Spec, root) F(spec::Spec, hostname) F(spec::Spec, domainname) F(spec::Spec, mounts) F(spec::Spec, hooks) F(spec::Spec, annotations) F(spec::Spec, linuxSection)

// V(class, method, slot): the virtual-table slot (Itanium C++ ABI: the virtual destructor takes
// slots 0 and 1; a derived interface continues after its base's last slot).
#define OCIRUN_SDK_VTABLES(V) \
    V(Plugin, info, 2) V(Plugin, unavailable_reason, 3) V(Plugin, features_json, 4) \
    V(Cgroup, add_process, 2) V(Cgroup, add_process_to_sub, 3) V(Cgroup, set_resources, 4) V(Cgroup, pids, 5) \
    V(Cgroup, freeze, 6) V(Cgroup, thaw, 7) V(Cgroup, frozen, 8) V(Cgroup, kill_all, 9) V(Cgroup, stats_json, 10) \
    V(Cgroup, open_oom_notifier, 11) V(Cgroup, destroy, 12) V(Cgroup, save, 13) V(Cgroup, paths, 14) \
    V(CgroupDriver, validate, 5) V(CgroupDriver, create, 6) V(CgroupDriver, open, 7) V(CgroupDriver, find, 8) \
    V(CgroupDriver, needs_init_pid, 9) \
    V(Lsm, fields, 5) V(Lsm, validate, 6) V(Lsm, set_exec_label, 7) V(Lsm, set_key_label, 8) \
    V(Lsm, mount_label_option, 9) V(Lsm, label_mount_root, 10) \
    V(SyscallFilter, compile, 5) V(SyscallFilter, set_cache_dir, 6) \
    V(Checkpointer, checkpoint, 5) V(Checkpointer, restore, 6)

struct Entry {
    const char* what;   // "sizeof Info", "offsetof Info::name", "vslot Lsm::validate"
    std::size_t value;
};

// offsetof on a type that is not standard-layout (a std::string member makes it so) is
// "conditionally supported"; GCC and clang support it and warn (-Winvalid-offsetof).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
#define OCIRUN_LAYOUT_S(T) Entry{"sizeof " #T, sizeof(T)}, Entry{"alignof " #T, alignof(T)},
#define OCIRUN_LAYOUT_F(T, m) Entry{"offsetof " #T "::" #m, offsetof(T, m)},
#define OCIRUN_LAYOUT_V(C, m, slot) Entry{"vslot " #C "::" #m, slot},
inline constexpr Entry kTable[] = {
    OCIRUN_SDK_STD_TYPES(OCIRUN_LAYOUT_S, OCIRUN_LAYOUT_F)
    OCIRUN_SDK_PLUGIN_TYPES(OCIRUN_LAYOUT_S, OCIRUN_LAYOUT_F)
    OCIRUN_SDK_SPEC_TYPES(OCIRUN_LAYOUT_S, OCIRUN_LAYOUT_F)
    OCIRUN_SDK_VTABLES(OCIRUN_LAYOUT_V)
};
#undef OCIRUN_LAYOUT_S
#undef OCIRUN_LAYOUT_F
#undef OCIRUN_LAYOUT_V
#pragma GCC diagnostic pop

// FNV-1a over "what=value\n" of every entry: equal hashes, equal tables.
constexpr std::uint64_t table_hash() {
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
    for (const Entry& e : kTable) {
        for (const char* p = e.what; *p; ++p) mix(static_cast<unsigned char>(*p));
        mix('=');
        std::size_t v = e.value;
        do { mix(static_cast<unsigned char>('0' + v % 10)); v /= 10; } while (v);
        mix('\n');
    }
    return h;
}

inline constexpr std::uint64_t kTableHash = table_hash();

}  // namespace ocirun::plugin::layout
