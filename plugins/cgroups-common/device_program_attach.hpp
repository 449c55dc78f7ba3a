// cgroup v2 only: loading a device program (bpf(BPF_PROG_LOAD)) and attaching it to a cgroup
// v2 directory with BPF_F_ALLOW_MULTI, replacing the programs attached there before: the new program is attached
// first and the old ones detached after, so there is no moment with no filter (runc's order).
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

namespace ocirun::cgroups {

// Throws ocirun::Error naming the cgroup and the bpf(2) step that failed (with the verifier
// log when the load is refused).
void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program);

// The ids of the device programs attached directly to the cgroup (not inherited ones).
std::vector<std::uint32_t> attached_device_programs(const std::string& cgroup_dir);

}  // namespace ocirun::cgroups
