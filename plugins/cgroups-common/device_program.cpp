#include "device_program.hpp"

#include <algorithm>
#include <cstddef>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {
namespace {

// Registers: r1 = ctx (then scratch), r2 = device type, r3 = requested access, r4 = major,
// r5 = minor, r0 = verdict.
constexpr std::uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

bpf_insn insn(std::uint8_t code, std::uint8_t dst, std::uint8_t src, std::int16_t off, std::int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.src_reg = src;
    i.off = off;
    i.imm = imm;
    return i;
}

bpf_insn load_u32(std::uint8_t dst, std::int16_t offset) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, offset, 0); }
bpf_insn alu32_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov32_reg(std::uint8_t dst, std::uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov64_imm(std::uint8_t dst, std::int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn jump_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm, std::int16_t skip) { return insn(BPF_JMP | op | BPF_K, dst, 0, skip, imm); }
bpf_insn jump_reg(std::uint8_t op, std::uint8_t dst, std::uint8_t src, std::int16_t skip) { return insn(BPF_JMP | op | BPF_X, dst, src, skip, 0); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// One exception: a block of checks, each jumping past the block's end when it fails, then
// "return verdict". The jump offsets are only known once the block's length is.
void append_exception(std::vector<bpf_insn>& prog, const DeviceKey& key, unsigned access, bool deny_list) {
    struct Check {
        std::vector<bpf_insn> insns;  // the last one is the jump to patch
    };
    std::vector<Check> checks;
    checks.push_back({{jump_imm(BPF_JNE, R2, key.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0)}});
    if (access != kAllAccess) {  // every request is within "rwm"
        // Allow lists grant a request only when it asks for nothing beyond `access`
        // ((req & access) != req -> skip); deny lists block it when any bit is shared
        // ((req & access) == 0 -> skip), as the v1 kernel does.
        Check c{{mov32_reg(R1, R3), alu32_imm(BPF_AND, R1, static_cast<std::int32_t>(access))}};
        c.insns.push_back(deny_list ? jump_imm(BPF_JEQ, R1, 0, 0) : jump_reg(BPF_JNE, R1, R3, 0));
        checks.push_back(std::move(c));
    }
    if (key.major != kAnyDeviceNumber)
        checks.push_back({{jump_imm(BPF_JNE, R4, static_cast<std::int32_t>(key.major), 0)}});
    if (key.minor != kAnyDeviceNumber)
        checks.push_back({{jump_imm(BPF_JNE, R5, static_cast<std::int32_t>(key.minor), 0)}});

    std::size_t length = 2;  // mov r0, verdict; exit
    for (const auto& c : checks) length += c.insns.size();
    std::size_t emitted = 0;
    for (auto& c : checks) {
        emitted += c.insns.size();
        // Relative to the instruction after the jump: skip the rest of the block.
        c.insns.back().off = static_cast<std::int16_t>(length - emitted);
        prog.insert(prog.end(), c.insns.begin(), c.insns.end());
    }
    prog.push_back(mov64_imm(R0, deny_list ? 0 : 1));
    prog.push_back(exit_insn());
}

}  // namespace

std::vector<bpf_insn> compile_device_program(const DeviceRuleSet& rules) {
    // The kernel checks numbers as u32; the jumps compare sign-extended 32-bit immediates, which
    // is exact only while they stay below 2^31 (Linux majors are 12 bits, minors 20).
    for (const auto& [key, access] : rules.exceptions())
        if (key.major > 0x7FFFFFFF || key.minor > 0x7FFFFFFF)
            throw InvalidConfig("linux.resources.devices", "device number " + std::to_string(std::max(key.major, key.minor)) +
                        " is out of range for the cgroup v2 device program");
    std::vector<bpf_insn> prog = {
        load_u32(R2, offsetof(bpf_cgroup_dev_ctx, access_type)),
        alu32_imm(BPF_AND, R2, 0xFFFF),
        load_u32(R3, offsetof(bpf_cgroup_dev_ctx, access_type)),
        alu32_imm(BPF_RSH, R3, 16),
        load_u32(R4, offsetof(bpf_cgroup_dev_ctx, major)),
        load_u32(R5, offsetof(bpf_cgroup_dev_ctx, minor)),
    };
    for (const auto& [key, access] : rules.exceptions()) append_exception(prog, key, access, rules.default_allow());
    prog.push_back(mov64_imm(R0, rules.default_allow() ? 1 : 0));
    prog.push_back(exit_insn());
    return prog;
}

}  // namespace ocirun::cgroups
