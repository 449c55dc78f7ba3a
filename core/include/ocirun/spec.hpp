// ocirun/spec.hpp — the OCI runtime-spec 1.3 configuration (config.json) as plain C++ types.
//
// Part of the public SDK: plugins see these types (a cgroup driver gets LinuxResources,
// a syscall filter gets LinuxSeccomp). Header-only, no JSON library in sight; the JSON
// mapping lives in core/spec and is not part of the SDK.
//
// Conventions: a string or container that is empty means "absent" (Go's omitempty, as runc
// sees it); a field where zero is meaningful is std::optional.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocirun::spec {

inline constexpr const char* kSpecVersion = "1.3.0";

// ---------- process ----------
struct Box {
    std::uint32_t height = 0;
    std::uint32_t width = 0;
};

struct User {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::optional<std::uint32_t> umask;
    std::vector<std::uint32_t> additionalGids;
    std::string username;  // windows only, carried for round-trips
};

struct LinuxCapabilities {
    std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct POSIXRlimit {
    std::string type;  // "RLIMIT_NOFILE"
    std::uint64_t hard = 0;
    std::uint64_t soft = 0;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, SCHED_FIFO, ...
    std::optional<std::int32_t> nice;
    std::optional<std::int32_t> priority;
    std::vector<std::string> flags;
    std::optional<std::uint64_t> runtime, deadline, period;
};

struct IOPriority {
    std::string ioClass;  // JSON "class": IOPRIO_CLASS_RT | _BE | _IDLE
    std::int32_t priority = 0;
};

struct CPUAffinity {
    std::string initial;  // cpu list, e.g. "0-3,7"
    std::string final;
};

struct Process {
    bool terminal = false;
    std::optional<Box> consoleSize;
    User user;
    std::vector<std::string> args;
    std::string commandLine;  // windows only
    std::vector<std::string> env;
    std::string cwd;
    std::optional<LinuxCapabilities> capabilities;
    std::vector<POSIXRlimit> rlimits;
    bool noNewPrivileges = false;
    std::string apparmorProfile;
    std::optional<std::int32_t> oomScoreAdj;
    std::optional<Scheduler> scheduler;
    std::string selinuxLabel;
    std::optional<IOPriority> ioPriority;
    std::optional<CPUAffinity> execCPUAffinity;
};

// ---------- root, mounts, hooks ----------
struct Root {
    std::string path;
    bool readonly = false;
};

struct LinuxIDMapping {
    std::uint32_t containerID = 0;
    std::uint32_t hostID = 0;
    std::uint32_t size = 0;
};

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;
    std::vector<LinuxIDMapping> uidMappings;
    std::vector<LinuxIDMapping> gidMappings;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<std::int32_t> timeout;  // seconds
};

struct Hooks {
    std::vector<Hook> prestart;  // deprecated, still run like runc
    std::vector<Hook> createRuntime;
    std::vector<Hook> createContainer;
    std::vector<Hook> startContainer;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

// ---------- linux.resources ----------
struct LinuxDeviceCgroup {
    bool allow = false;
    std::string type;  // "a", "c", "b" or empty (= all)
    std::optional<std::int64_t> major;
    std::optional<std::int64_t> minor;
    std::string access;  // subset of "rwm"
};

struct LinuxMemory {
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> reservation;
    std::optional<std::int64_t> swap;
    std::optional<std::int64_t> kernel;     // deprecated
    std::optional<std::int64_t> kernelTCP;  // deprecated
    std::optional<std::uint64_t> swappiness;
    std::optional<bool> disableOOMKiller;
    std::optional<bool> useHierarchy;
    std::optional<bool> checkBeforeUpdate;
};

struct LinuxCPU {
    std::optional<std::uint64_t> shares;
    std::optional<std::int64_t> quota;
    std::optional<std::uint64_t> burst;
    std::optional<std::uint64_t> period;
    std::optional<std::int64_t> realtimeRuntime;
    std::optional<std::uint64_t> realtimePeriod;
    std::string cpus;
    std::string mems;
    std::optional<std::int64_t> idle;
};

struct LinuxPids {
    std::optional<std::int64_t> limit;
};

struct LinuxWeightDevice {
    std::int64_t major = 0;
    std::int64_t minor = 0;
    std::optional<std::uint16_t> weight;
    std::optional<std::uint16_t> leafWeight;
};

struct LinuxThrottleDevice {
    std::int64_t major = 0;
    std::int64_t minor = 0;
    std::uint64_t rate = 0;
};

struct LinuxBlockIO {
    std::optional<std::uint16_t> weight;
    std::optional<std::uint16_t> leafWeight;
    std::vector<LinuxWeightDevice> weightDevice;
    std::vector<LinuxThrottleDevice> throttleReadBpsDevice;
    std::vector<LinuxThrottleDevice> throttleWriteBpsDevice;
    std::vector<LinuxThrottleDevice> throttleReadIOPSDevice;
    std::vector<LinuxThrottleDevice> throttleWriteIOPSDevice;
};

struct LinuxHugepageLimit {
    std::string pageSize;  // "2MB"
    std::uint64_t limit = 0;
};

struct LinuxInterfacePriority {
    std::string name;
    std::uint32_t priority = 0;
};

struct LinuxNetwork {
    std::optional<std::uint32_t> classID;
    std::vector<LinuxInterfacePriority> priorities;
};

struct LinuxRdma {
    std::optional<std::uint32_t> hcaHandles;
    std::optional<std::uint32_t> hcaObjects;
};

struct LinuxResources {
    std::vector<LinuxDeviceCgroup> devices;
    std::optional<LinuxMemory> memory;
    std::optional<LinuxCPU> cpu;
    std::optional<LinuxPids> pids;
    std::optional<LinuxBlockIO> blockIO;
    std::vector<LinuxHugepageLimit> hugepageLimits;
    std::optional<LinuxNetwork> network;
    std::map<std::string, LinuxRdma> rdma;
    std::map<std::string, std::string> unified;
};

// ---------- linux.seccomp ----------
struct LinuxSeccompArg {
    std::uint32_t index = 0;
    std::uint64_t value = 0;
    std::uint64_t valueTwo = 0;
    std::string op;  // SCMP_CMP_EQ, ...
};

struct LinuxSyscall {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_*
    std::optional<std::uint32_t> errnoRet;
    std::vector<LinuxSeccompArg> args;
};

struct LinuxSeccomp {
    std::string defaultAction;
    std::optional<std::uint32_t> defaultErrnoRet;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::string listenerPath;
    std::string listenerMetadata;
    std::vector<LinuxSyscall> syscalls;
};

// ---------- linux (other) ----------
struct LinuxNamespace {
    std::string type;  // pid network mount ipc uts user cgroup time
    std::string path;
};

struct LinuxDevice {
    std::string path;
    std::string type;  // c b u p
    std::int64_t major = 0;
    std::int64_t minor = 0;
    std::optional<std::uint32_t> fileMode;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
};

struct LinuxIntelRdt {
    std::string closID;
    std::string l3CacheSchema;
    std::string memBwSchema;
    std::vector<std::string> schemata;
    bool enableMonitoring = false;
};

struct LinuxPersonality {
    std::string domain;  // LINUX | LINUX32
    std::vector<std::string> flags;
};

struct LinuxTimeOffset {
    std::int64_t secs = 0;
    std::uint32_t nanosecs = 0;
};

struct LinuxMemoryPolicy {
    std::string mode;   // MPOL_*
    std::string nodes;  // node list
    std::vector<std::string> flags;
};

struct LinuxNetDevice {
    std::string name;
};

struct Linux {
    std::vector<LinuxIDMapping> uidMappings;
    std::vector<LinuxIDMapping> gidMappings;
    std::map<std::string, std::string> sysctl;
    std::optional<LinuxResources> resources;
    std::string cgroupsPath;
    std::vector<LinuxNamespace> namespaces;
    std::vector<LinuxDevice> devices;
    std::optional<LinuxSeccomp> seccomp;
    std::string rootfsPropagation;
    std::vector<std::string> maskedPaths;
    std::vector<std::string> readonlyPaths;
    std::string mountLabel;
    std::optional<LinuxIntelRdt> intelRdt;
    std::optional<LinuxPersonality> personality;
    std::map<std::string, LinuxTimeOffset> timeOffsets;
    std::optional<LinuxMemoryPolicy> memoryPolicy;
    std::map<std::string, LinuxNetDevice> netDevices;
};

// ---------- the whole config.json ----------
struct Spec {
    std::string ociVersion;
    std::optional<Process> process;
    std::optional<Root> root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    // JSON "linux". Not named `linux`: that word is a predefined macro in GNU C++ modes.
    std::optional<Linux> linuxSection;
};

}  // namespace ocirun::spec
