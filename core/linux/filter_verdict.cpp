// filter_verdict: runs a compiled seccomp program (classic BPF) over one syscall in user space,
// to learn before a call what the container's filter will answer (see syscall_filter_install.hpp).
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstddef>
#include <cstring>

#include "linux/syscall_filter_install.hpp"

namespace ocirun::linux_init {
namespace {

// A 32-bit word of seccomp_data at `offset`, as BPF_LD|BPF_W|BPF_ABS reads it; nullopt for the
// instruction pointer (not known before the call) and for offsets the kernel refuses.
std::optional<std::uint32_t> load_word(const seccomp_data& call, std::uint32_t offset) {
    if (offset % 4 != 0 || offset + 4 > sizeof(seccomp_data)) return std::nullopt;
    if (offset >= offsetof(seccomp_data, instruction_pointer) && offset < offsetof(seccomp_data, args))
        return std::nullopt;
    std::uint32_t word;
    std::memcpy(&word, reinterpret_cast<const unsigned char*>(&call) + offset, sizeof word);
    return word;
}

std::optional<std::uint32_t> alu(std::uint16_t op, std::uint32_t a, std::uint32_t operand) {
    switch (op) {
        case BPF_ADD: return a + operand;
        case BPF_SUB: return a - operand;
        case BPF_MUL: return a * operand;
        case BPF_DIV: return operand == 0 ? std::nullopt : std::optional<std::uint32_t>(a / operand);
        case BPF_MOD: return operand == 0 ? std::nullopt : std::optional<std::uint32_t>(a % operand);
        case BPF_AND: return a & operand;
        case BPF_OR: return a | operand;
        case BPF_XOR: return a ^ operand;
        case BPF_LSH: return operand >= 32 ? std::nullopt : std::optional<std::uint32_t>(a << operand);
        case BPF_RSH: return operand >= 32 ? std::nullopt : std::optional<std::uint32_t>(a >> operand);
        case BPF_NEG: return 0u - a;
        default: return std::nullopt;
    }
}

std::optional<bool> jump_taken(std::uint16_t op, std::uint32_t a, std::uint32_t operand) {
    switch (op) {
        case BPF_JEQ: return a == operand;
        case BPF_JGT: return a > operand;
        case BPF_JGE: return a >= operand;
        case BPF_JSET: return (a & operand) != 0;
        default: return std::nullopt;
    }
}

}  // namespace

std::optional<std::uint32_t> filter_verdict(const std::vector<std::uint8_t>& bpf, const seccomp_data& call) {
    if (bpf.empty() || bpf.size() % sizeof(sock_filter) != 0) return std::nullopt;
    std::vector<sock_filter> program(bpf.size() / sizeof(sock_filter));
    std::memcpy(program.data(), bpf.data(), bpf.size());
    std::uint32_t a = 0, x = 0;
    std::uint32_t scratch[BPF_MEMWORDS] = {};
    // Classic BPF only jumps forward, so this ends within program.size() steps.
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const sock_filter& insn = program[pc];
        const std::uint32_t k = insn.k;
        switch (BPF_CLASS(insn.code)) {
            case BPF_LD:
            case BPF_LDX: {
                std::optional<std::uint32_t> value;
                switch (BPF_MODE(insn.code)) {
                    case BPF_ABS:
                        if (BPF_CLASS(insn.code) == BPF_LD && BPF_SIZE(insn.code) == BPF_W) value = load_word(call, k);
                        break;
                    case BPF_LEN: value = static_cast<std::uint32_t>(sizeof(seccomp_data)); break;
                    case BPF_IMM: value = k; break;
                    case BPF_MEM:
                        if (k < BPF_MEMWORDS) value = scratch[k];
                        break;
                    default: break;
                }
                if (!value) return std::nullopt;
                (BPF_CLASS(insn.code) == BPF_LD ? a : x) = *value;
                break;
            }
            case BPF_ST:
            case BPF_STX:
                if (k >= BPF_MEMWORDS) return std::nullopt;
                scratch[k] = BPF_CLASS(insn.code) == BPF_ST ? a : x;
                break;
            case BPF_ALU: {
                const auto result = alu(BPF_OP(insn.code), a, BPF_SRC(insn.code) == BPF_X ? x : k);
                if (!result) return std::nullopt;
                a = *result;
                break;
            }
            case BPF_JMP: {
                if (BPF_OP(insn.code) == BPF_JA) {
                    pc += k;
                    break;
                }
                const auto taken = jump_taken(BPF_OP(insn.code), a, BPF_SRC(insn.code) == BPF_X ? x : k);
                if (!taken) return std::nullopt;
                pc += *taken ? insn.jt : insn.jf;
                break;
            }
            case BPF_RET:
                if (BPF_RVAL(insn.code) == BPF_K) return k;
                if (BPF_RVAL(insn.code) == BPF_A) return a;
                return std::nullopt;
            case BPF_MISC:
                if (BPF_MISCOP(insn.code) == BPF_TAX) x = a;
                else if (BPF_MISCOP(insn.code) == BPF_TXA) a = x;
                else return std::nullopt;
                break;
            default: return std::nullopt;
        }
    }
    return std::nullopt;  // ran off the end: the kernel would not have accepted the program
}

}  // namespace ocirun::linux_init
