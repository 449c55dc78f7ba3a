#include "device_program_attach.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {
namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

std::uint64_t ptr(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

Fd open_cgroup(const std::string& dir) {
    Fd fd(::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw sys_error("linux.resources.devices: open cgroup " + dir);
    return fd;
}

Fd load(const std::vector<bpf_insn>& program, const std::string& dir) {
    static const char license[] = "Apache";
    std::vector<char> log(64 * 1024);
    bpf_attr attr{};
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = ptr(program.data());
    attr.insn_cnt = static_cast<std::uint32_t>(program.size());
    attr.license = ptr(license);
    attr.log_buf = ptr(log.data());
    attr.log_size = static_cast<std::uint32_t>(log.size());
    attr.log_level = 1;
    std::strncpy(attr.prog_name, "ocirun_devices", sizeof attr.prog_name - 1);
    int fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
    if (fd < 0 && errno == ENOSPC) {  // the log did not fit: load again without one
        attr.log_buf = 0;
        attr.log_size = 0;
        attr.log_level = 0;
        fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
    }
    if (fd < 0) {
        int err = errno;
        std::string verifier(log.data(), ::strnlen(log.data(), log.size()));
        throw Error("linux.resources.devices: loading the device program for " + dir +
                    " (bpf BPF_PROG_LOAD): " + std::strerror(err) +
                    (verifier.empty() ? std::string() : "; verifier: " + verifier));
    }
    return Fd(fd);
}

}  // namespace

std::vector<std::uint32_t> attached_device_programs(const std::string& cgroup_dir) {
    Fd cgroup = open_cgroup(cgroup_dir);
    std::vector<std::uint32_t> ids(64);
    bpf_attr attr{};
    attr.query.target_fd = static_cast<std::uint32_t>(cgroup.get());
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = ptr(ids.data());
    attr.query.prog_cnt = static_cast<std::uint32_t>(ids.size());
    if (bpf(BPF_PROG_QUERY, attr) < 0)
        throw sys_error("linux.resources.devices: listing the device programs of " + cgroup_dir + " (bpf BPF_PROG_QUERY)");
    ids.resize(attr.query.prog_cnt);
    return ids;
}

void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program) {
    const std::vector<std::uint32_t> old_ids = attached_device_programs(cgroup_dir);
    Fd cgroup = open_cgroup(cgroup_dir);
    Fd prog = load(program, cgroup_dir);

    bpf_attr attr{};
    attr.target_fd = static_cast<std::uint32_t>(cgroup.get());
    attr.attach_bpf_fd = static_cast<std::uint32_t>(prog.get());
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attr) < 0)
        throw sys_error("linux.resources.devices: attaching the device program to " + cgroup_dir +
                        " (bpf BPF_PROG_ATTACH)");

    // Only now the previous programs go, so the cgroup is never without a filter.
    for (std::uint32_t id : old_ids) {
        bpf_attr by_id{};
        by_id.prog_id = id;
        Fd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, by_id)));
        if (old.get() < 0) {
            if (errno == ENOENT) continue;  // detached meanwhile
            throw sys_error("linux.resources.devices: opening the old device program " + std::to_string(id) +
                            " of " + cgroup_dir + " (bpf BPF_PROG_GET_FD_BY_ID)");
        }
        bpf_attr detach{};
        detach.target_fd = static_cast<std::uint32_t>(cgroup.get());
        detach.attach_bpf_fd = static_cast<std::uint32_t>(old.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, detach) < 0 && errno != ENOENT)
            throw sys_error("linux.resources.devices: detaching the old device program " + std::to_string(id) +
                            " from " + cgroup_dir + " (bpf BPF_PROG_DETACH)");
    }
}

}  // namespace ocirun::cgroups
