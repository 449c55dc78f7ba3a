// How the kernel schedules the container process: process.scheduler (sched_setattr),
// process.ioPriority (ioprio_set) and process.execCPUAffinity (sched_setaffinity). The names were
// checked by spec validation before clone(); here they are only translated and applied, and a
// kernel refusal is reported with the field and the reason.
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"
#include "spec/known_names.hpp"

namespace ocirun::linux_init {
namespace {

// struct sched_attr of sched_setattr(2) (SCHED_ATTR_SIZE_VER1): <linux/sched/types.h> cannot be
// included next to glibc's <sched.h>, which has no wrapper for it before glibc 2.41.
struct SchedAttr {
    std::uint32_t size;
    std::uint32_t sched_policy;
    std::uint64_t sched_flags;
    std::int32_t sched_nice;
    std::uint32_t sched_priority;
    std::uint64_t sched_runtime;
    std::uint64_t sched_deadline;
    std::uint64_t sched_period;
    std::uint32_t sched_util_min;
    std::uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56, "SCHED_ATTR_SIZE_VER1");

constexpr int kIoprioWhoProcess = 1;  // IOPRIO_WHO_PROCESS (linux/ioprio.h)
constexpr int kIoprioClassShift = 13;

// What the usual errno of a refused sched_setattr means for a container.
std::string scheduler_hint(int err, const spec::Scheduler& s) {
    if (err == EPERM && (s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR"))
        return " (real-time scheduling needs CAP_SYS_NICE and, with cgroup v1 RT group scheduling, "
               "a cpu.rt_runtime_us budget for the container's cgroup)";
    if (err == EINVAL && s.policy == "SCHED_ISO") return " (SCHED_ISO is not implemented by mainline kernels)";
    if ((err == EBUSY || err == EPERM) && s.policy == "SCHED_DEADLINE")
        return " (the deadline bandwidth was refused: check runtime <= deadline <= period and the CPU affinity)";
    return {};
}

void set_affinity(const std::string& list, const char* which) {
    const std::string where = std::string("config.json: process.execCPUAffinity.") + which;
    auto cpus = spec::parse_cpu_list(list);
    if (!cpus) throw Error(where + ": invalid CPU list \"" + list + "\"");
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned c : *cpus) CPU_SET(c, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) {
        const int err = errno;
        throw Error(where + ": sched_setaffinity(" + list + "): " + std::strerror(err) +
                    (err == EINVAL ? " (no CPU of the list is online and allowed by the container's cpuset)" : ""));
    }
}

}  // namespace

void apply_scheduler(const spec::Process& process) {
    if (!process.scheduler) return;
    const spec::Scheduler& s = *process.scheduler;
    auto policy = spec::scheduler_policy(s.policy);
    if (!policy) throw Error("config.json: process.scheduler.policy: unknown policy \"" + s.policy + "\"");
    SchedAttr attr {};
    attr.size = sizeof attr;
    attr.sched_policy = static_cast<std::uint32_t>(*policy);
    attr.sched_nice = s.nice.value_or(0);
    attr.sched_priority = static_cast<std::uint32_t>(s.priority.value_or(0));
    attr.sched_runtime = s.runtime.value_or(0);
    attr.sched_deadline = s.deadline.value_or(0);
    attr.sched_period = s.period.value_or(0);
    for (const auto& name : s.flags) {
        auto bits = spec::scheduler_flag(name);
        if (!bits) throw Error("config.json: process.scheduler.flags: unknown flag \"" + name + "\"");
        attr.sched_flags |= *bits;
    }
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
        const int err = errno;
        throw Error("config.json: process.scheduler: sched_setattr(" + s.policy + "): " + std::strerror(err) +
                    scheduler_hint(err, s));
    }
}

void apply_io_priority(const spec::Process& process) {
    if (!process.ioPriority) return;
    const spec::IOPriority& io = *process.ioPriority;
    auto io_class = spec::io_priority_class(io.ioClass);
    if (!io_class) throw Error("config.json: process.ioPriority.class: unknown I/O priority class \"" + io.ioClass + "\"");
    const int value = (*io_class << kIoprioClassShift) | io.priority;
    if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) != 0)
        throw sys_error("config.json: process.ioPriority: ioprio_set(" + io.ioClass + ", " +
                        std::to_string(io.priority) + ")");
}

void apply_initial_cpu_affinity(const spec::Process& process) {
    if (process.execCPUAffinity && !process.execCPUAffinity->initial.empty())
        set_affinity(process.execCPUAffinity->initial, "initial");
}

void apply_final_cpu_affinity(const spec::Process& process) {
    if (!process.execCPUAffinity) return;
    // Without "final" the affinity stays what "initial" made it (runtime-spec 1.3): applied here
    // too because `exec` reaches this step without the early one.
    if (!process.execCPUAffinity->final.empty()) {
        set_affinity(process.execCPUAffinity->final, "final");
    } else if (!process.execCPUAffinity->initial.empty()) {
        set_affinity(process.execCPUAffinity->initial, "initial");
    }
}

}  // namespace ocirun::linux_init
