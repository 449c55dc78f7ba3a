// A DeviceRuleSet compiled into an eBPF BPF_PROG_TYPE_CGROUP_DEVICE program (cgroup v2 has no
// devices files): hand-assembled, no libbpf. The kernel calls it with a bpf_cgroup_dev_ctx
// (access_type = access << 16 | type, major, minor); it returns 1 to allow, 0 to deny.
// Pure user-space code, so its output can be checked without loading it (see the unit tests).
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "device_rules.hpp"

namespace ocirun::cgroups {

std::vector<bpf_insn> compile_device_program(const DeviceRuleSet& rules);

}  // namespace ocirun::cgroups
