// runc's device rule semantics (cgroups-common device_rules) and the cgroup v2 device program
// compiled from them. The kernel cannot test-run BPF_PROG_TYPE_CGROUP_DEVICE programs
// (BPF_PROG_TEST_RUN does not support the type), so the generated instructions run here in a
// small interpreter of the instructions the compiler emits, against the same decision table as
// the rule set itself. Loading and attaching are tested in cgroups_v2_test.cpp.
#include <gtest/gtest.h>

#include <stdexcept>

#include "device_program.hpp"
#include "device_rules.hpp"
#include "ocirun/error.hpp"

namespace cg = ocirun::cgroups;
using ocirun::spec::LinuxDeviceCgroup;

namespace {

constexpr std::int64_t kAny = -1;

LinuxDeviceCgroup rule(bool allow, const char* type, std::int64_t major, std::int64_t minor, const char* access) {
    auto num = [](std::int64_t v) { return v == kAny ? std::optional<std::int64_t>() : v; };
    return {allow, type, num(major), num(minor), access};
}

// Runs `prog` on one bpf_cgroup_dev_ctx. Refuses instructions the compiler must not emit.
int run_program(const std::vector<bpf_insn>& prog, char type, std::uint32_t major, std::uint32_t minor, unsigned access) {
    const bpf_cgroup_dev_ctx ctx{(access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), major, minor};
    std::uint64_t reg[11] = {};
    size_t pc = 0;
    for (int steps = 0; steps < 10000; ++steps) {
        if (pc >= prog.size()) throw std::runtime_error("ran off the end of the program");
        const bpf_insn& i = prog[pc++];
        auto jump_if = [&](bool taken) {
            if (taken) pc += i.off;
        };
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W: {
                if (i.src_reg != 1) throw std::runtime_error("load from a register other than ctx");
                std::uint32_t v;
                std::memcpy(&v, reinterpret_cast<const char*>(&ctx) + i.off, sizeof v);
                reg[i.dst_reg] = v;
                break;
            }
            case BPF_ALU | BPF_AND | BPF_K: reg[i.dst_reg] = static_cast<std::uint32_t>(reg[i.dst_reg] & static_cast<std::uint32_t>(i.imm)); break;
            case BPF_ALU | BPF_RSH | BPF_K: reg[i.dst_reg] = static_cast<std::uint32_t>(reg[i.dst_reg]) >> i.imm; break;
            case BPF_ALU | BPF_MOV | BPF_X: reg[i.dst_reg] = static_cast<std::uint32_t>(reg[i.src_reg]); break;
            case BPF_ALU64 | BPF_MOV | BPF_K: reg[i.dst_reg] = static_cast<std::uint64_t>(static_cast<std::int64_t>(i.imm)); break;
            case BPF_JMP | BPF_JNE | BPF_K: jump_if(reg[i.dst_reg] != static_cast<std::uint64_t>(static_cast<std::int64_t>(i.imm))); break;
            case BPF_JMP | BPF_JEQ | BPF_K: jump_if(reg[i.dst_reg] == static_cast<std::uint64_t>(static_cast<std::int64_t>(i.imm))); break;
            case BPF_JMP | BPF_JNE | BPF_X: jump_if(reg[i.dst_reg] != reg[i.src_reg]); break;
            case BPF_JMP | BPF_EXIT: return static_cast<int>(reg[0]);
            default: throw std::runtime_error("unexpected opcode " + std::to_string(i.code));
        }
    }
    throw std::runtime_error("program does not terminate");
}

struct Request {
    char type;
    std::uint32_t major, minor;
    unsigned access;
    bool allowed;
};

// Checks the rule set's own decision and the compiled program's against the expected table.
void expect_decisions(const cg::DeviceRuleSet& set, const std::vector<Request>& table) {
    const auto prog = cg::compile_device_program(set);
    for (const auto& q : table) {
        const std::string what = std::string(1, q.type) + " " + std::to_string(q.major) + ":" +
                                 std::to_string(q.minor) + " " + cg::device_access_text(q.access);
        EXPECT_EQ(set.allows(q.type, q.major, q.minor, q.access), q.allowed) << "rule set, " << what;
        EXPECT_EQ(run_program(prog, q.type, q.major, q.minor, q.access), q.allowed ? 1 : 0) << "program, " << what;
    }
}

}  // namespace

TEST(CgroupDevices, DefaultsOnlyDenyEverythingElse) {
    const auto set = cg::container_device_rules({});
    EXPECT_FALSE(set.default_allow());
    expect_decisions(set, {
        {'c', 1, 3, cg::kRead | cg::kWrite, true},   // /dev/null
        {'c', 1, 9, cg::kRead, true},                // /dev/urandom
        {'c', 136, 7, cg::kRead | cg::kWrite, true}, // /dev/pts/7
        {'c', 10, 200, cg::kRead, true},             // /dev/net/tun
        {'c', 1, 11, cg::kWrite, false},             // /dev/kmsg
        {'b', 8, 0, cg::kRead, false},               // /dev/sda
        {'b', 8, 0, cg::kMknod, true},               // mknod of any node
        {'c', 99, 99, cg::kMknod, true},
        {'c', 99, 99, cg::kMknod | cg::kRead, false},
        {'b', 1, 3, cg::kRead, false},               // the type matters
    });
}

TEST(CgroupDevices, RuncStyleSpecRules) {
    // What runc's `spec` and containerd write: deny all, then per-device allows.
    const auto set = cg::container_device_rules({
        rule(false, "a", kAny, kAny, "rwm"),
        rule(true, "c", 10, 229, "rwm"),  // /dev/fuse
        rule(true, "b", 7, kAny, "r"),    // every loop device, read only
        rule(true, "c", kAny, 11, "w"),   // minor 11 of any char major, write only
    });
    expect_decisions(set, {
        {'c', 10, 229, cg::kRead | cg::kWrite, true},
        {'b', 7, 3, cg::kRead, true},
        {'b', 7, 3, cg::kRead | cg::kWrite, false},  // asks beyond the allowed bits
        {'b', 8, 0, cg::kRead, false},
        {'c', 1, 11, cg::kWrite, true},
        {'c', 1, 11, cg::kRead, false},
        {'c', 1, 3, cg::kRead, true},
    });
}

TEST(CgroupDevices, LaterRulesWinAndResetTheDefault) {
    // Allow-all turns the set into a deny list; later denies are its exceptions.
    auto set = cg::container_device_rules({
        rule(false, "a", kAny, kAny, "rwm"),
        rule(true, "c", 10, 229, "rwm"),
        rule(true, "a", kAny, kAny, "rwm"),  // resets: everything allowed
        rule(false, "b", 8, kAny, "w"),
        rule(false, "c", 1, 11, "rwm"),
    });
    EXPECT_TRUE(set.default_allow());
    expect_decisions(set, {
        {'b', 8, 0, cg::kRead, true},
        {'b', 8, 0, cg::kWrite, false},
        {'b', 8, 0, cg::kRead | cg::kWrite, false},  // a deny exception blocks any shared bit
        {'c', 1, 11, cg::kRead, false},
        {'c', 10, 229, cg::kRead, true},
        {'c', 4, 1, cg::kRead | cg::kWrite, true},
    });
    // A deny of part of an allowed device removes those bits only.
    set = cg::container_device_rules({rule(false, "a", kAny, kAny, "rwm"), rule(true, "c", 10, 229, "rwm"),
                                      rule(false, "c", 10, 229, "w")});
    expect_decisions(set, {{'c', 10, 229, cg::kRead, true}, {'c', 10, 229, cg::kWrite, false}});
}

TEST(CgroupDevices, RefusesHolesInWildcardsAndMalformedRules) {
    try {
        cg::container_device_rules({rule(false, "a", kAny, kAny, "rwm"), rule(true, "c", kAny, kAny, "rw"),
                                    rule(false, "c", 1, 3, "w")});
        FAIL() << "a hole in a wildcard allow was accepted";
    } catch (const ocirun::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.resources.devices[2]"), std::string::npos) << e.what();
    }
    EXPECT_THROW(cg::container_device_rules({rule(true, "x", 1, 3, "r")}), ocirun::Error);
    // Like runc, letters other than r, w, m are ignored; an access with none of them is refused.
    EXPECT_THROW(cg::container_device_rules({rule(true, "c", 1, 3, "q")}), ocirun::Error);
    EXPECT_EQ(cg::parse_device_access("rwa"), static_cast<unsigned>(cg::kRead | cg::kWrite));
    EXPECT_EQ(cg::parse_device_access("rq"), static_cast<unsigned>(cg::kRead));
    EXPECT_THROW(cg::container_device_rules({rule(true, "c", -5, 3, "r")}), ocirun::Error);
}

TEST(CgroupDevices, DevicesListRoundTripAndTransitions) {
    const auto target = cg::container_device_rules({rule(false, "a", kAny, kAny, "rwm"), rule(true, "c", 10, 229, "rwm")});
    // A fresh v1 cgroup allows everything: deny all first, then the allow list (runc 1.1).
    const auto fresh = cg::DeviceRuleSet::from_devices_list("a *:* rwm\n");
    auto writes = cg::device_transition(fresh, target);
    ASSERT_FALSE(writes.empty());
    EXPECT_EQ(cg::device_rule_text(writes[0]), "a *:* rwm");
    EXPECT_FALSE(writes[0].allow);
    EXPECT_EQ(writes.size(), 1 + target.exceptions().size());

    // devices.list as the kernel shows the target gives back the same set, and no writes.
    std::string list;
    for (const auto& [key, bits] : target.exceptions())
        list += std::string(1, key.type) + " " + (key.major < 0 ? "*" : std::to_string(key.major)) + ":" +
                (key.minor < 0 ? "*" : std::to_string(key.minor)) + " " + cg::device_access_text(bits) + "\n";
    const auto current = cg::DeviceRuleSet::from_devices_list(list);
    EXPECT_TRUE(current == target);
    EXPECT_TRUE(cg::device_transition(current, target).empty());

    // An update that drops fuse and adds kmsg: single exceptions only, never a deny-all.
    const auto next = cg::container_device_rules({rule(false, "a", kAny, kAny, "rwm"), rule(true, "c", 1, 11, "r")});
    writes = cg::device_transition(current, next);
    std::vector<std::string> texts;
    for (const auto& w : writes) texts.push_back(std::string(w.allow ? "allow " : "deny ") + cg::device_rule_text(w));
    EXPECT_EQ(texts, (std::vector<std::string>{"deny c 10:229 rwm", "allow c 1:11 r"}));
}
