// Mutated bundles through the real binary (issue #16, docs/reliability.md "Mutation runs"):
// N config.json files, each the test bundle's config with one or more random mutations (a
// value's type swapped, a field removed, a huge or negative number, invalid UTF-8, deep nesting,
// a hostile path), go through `ocirun create`. Each must be either accepted, and then `delete
// --force` cleans it, or refused with an error naming config.json; never a crash (signal or
// sanitizer report), and nothing of the container may be left (state dir, temp dir under the
// root, process, cgroup, mount).
//
// N is OCIRUN_MUTATIONS (default 200: what CI runs), the seed OCIRUN_MUTATION_SEED (default 16):
// the same seed gives the same bundles. Prints "mutations tried: N, accepted: A, refused: R".
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

long env_number(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

// The base config: `ocirun spec` (the harness's bundle) plus the sections that spec lacks, so
// that mutations reach the resources and seccomp parsers too.
void enrich(json::object& config) {
    json::object& linux_section = config["linux"].as_object();
    linux_section["resources"] = json::parse(
        R"({"memory":{"limit":67108864},"pids":{"limit":100},"cpu":{"shares":512},
            "devices":[{"allow":false,"access":"rwm"}]})");
    linux_section["seccomp"] = json::parse(
        R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
            "syscalls":[{"names":["mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1,
                         "args":[{"index":1,"value":0,"op":"SCMP_CMP_NE"}]}]})");
    linux_section["sysctl"] = json::parse(R"({"net.ipv4.ip_forward":"0"})");
    config["hooks"] = json::parse(R"({"prestart":[{"path":"/bin/true","args":["true"],"timeout":5}]})");
    config["process"].as_object()["rlimits"] =
        json::parse(R"([{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}])");
}

// Every value of the tree, by pointer (for mutation) and by its JSON path (for messages).
struct Node {
    json::value* value;
    json::value* parent;  // null for the root
    std::string key;      // in an object parent
    std::size_t index;    // in an array parent
};

void collect(json::value& v, json::value* parent, const std::string& key, std::size_t index, std::vector<Node>& out) {
    out.push_back({&v, parent, key, index});
    if (v.is_object()) {
        for (auto& kv : v.as_object()) collect(kv.value(), &v, std::string(kv.key()), 0, out);
    } else if (v.is_array()) {
        auto& a = v.as_array();
        for (std::size_t i = 0; i < a.size(); ++i) collect(a[i], &v, "", i, out);
    }
}

const std::vector<std::string> kHostilePaths = {
    "../../../../../../etc",  "/../../../../etc/shadow", "a/../../../../../tmp", "/proc/self/root/etc",
    "/proc/1/root",          "//////", "",  ".", "/dev/../../etc/passwd", "/sys/fs/cgroup/../../..",
    std::string(5000, 'a'),  "/tmp/\n/evil", "rootfs/../../",
};
const std::vector<std::string> kHugeNumbers = {
    "18446744073709551615", "18446744073709551616", "9223372036854775807", "-9223372036854775808",
    "-1", "-4294967297", "4294967296", "1e308", "-1e308", "0.5", "1e-300", "340282366920938463463374607431768211456",
};

// A value of another type than `v`.
json::value swapped_type(const json::value& v, std::mt19937& rng) {
    std::vector<json::value> options = {json::value(nullptr), json::value(true), json::value(42),
                                        json::value(-7), json::value("str"), json::value(json::array{1, "x"}),
                                        json::value(json::object{{"k", 1}})};
    std::vector<json::value> other;
    for (auto& o : options)
        if (o.kind() != v.kind() && !(o.is_number() && v.is_number())) other.push_back(std::move(o));
    return other[rng() % other.size()];
}

// One mutation of `config`; returns its description. Markers for what JSON cannot hold are
// put in as strings and replaced in the text afterwards (raw numbers, invalid UTF-8, nesting).
std::string mutate_once(json::value& config, std::mt19937& rng, std::map<std::string, std::string>& raw) {
    std::vector<Node> nodes;
    collect(config, nullptr, "", 0, nodes);
    Node n = nodes[1 + rng() % (nodes.size() - 1)];
    const std::string marker = "@@RAW" + std::to_string(raw.size()) + "@@";
    switch (rng() % 6) {
    case 0:
        *n.value = swapped_type(*n.value, rng);
        return "type swapped";
    case 1:
        if (n.parent->is_object()) {
            n.parent->as_object().erase(n.key);
        } else {
            auto& a = n.parent->as_array();
            a.erase(a.begin() + static_cast<std::ptrdiff_t>(n.index));
        }
        return "field removed";
    case 2:
        raw[marker] = kHugeNumbers[rng() % kHugeNumbers.size()];
        *n.value = marker;
        return "number " + raw[marker];
    case 3: {
        static const std::vector<std::string> kBad = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80", "a\x80"};
        if (n.value->is_string()) {
            raw[marker] = json::serialize(json::value(std::string(n.value->as_string()))).insert(1, kBad[rng() % kBad.size()]);
        } else {
            raw[marker] = "\"" + kBad[rng() % kBad.size()] + "\"";
        }
        *n.value = marker;
        return "invalid UTF-8";
    }
    case 4: {
        const std::size_t depth = (rng() % 2) ? 40 : 20000;
        raw[marker] = std::string(depth, '[') + std::string(depth, ']');
        *n.value = marker;
        return "nested " + std::to_string(depth) + " deep";
    }
    default: {
        // Prefer a string (most path fields are strings); any node otherwise.
        std::vector<Node> strings;
        for (const Node& s : nodes)
            if (s.value->is_string()) strings.push_back(s);
        if (!strings.empty()) n = strings[rng() % strings.size()];
        *n.value = json::string(kHostilePaths[rng() % kHostilePaths.size()]);
        return "hostile path";
    }
    }
}

std::string render(const json::value& config, const std::map<std::string, std::string>& raw) {
    std::string text = json::serialize(config);
    for (const auto& [marker, replacement] : raw) {
        const std::string quoted = "\"" + marker + "\"";
        for (std::size_t at; (at = text.find(quoted)) != std::string::npos;) text.replace(at, quoted.size(), replacement);
    }
    return text;
}

bool crashed(const it::CommandResult& r) {
    return r.timed_out || r.exit_code >= 128 || r.err.find("AddressSanitizer") != std::string::npos ||
           r.err.find("runtime error:") != std::string::npos || r.err.find("LeakSanitizer") != std::string::npos;
}

std::vector<std::string> everything_left(const it::Runner& rt, const std::string& id, const it::Bundle& bundle) {
    std::vector<std::string> left;
    for (int i = 0; i < 30; ++i) {
        left = it::leftovers(rt, id, bundle);
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(rt.root(), ec))
            if (e.path().filename().string().rfind("~seccomp-cache", 0) != 0)
                left.push_back("under the root: " + e.path().string());
        if (left.empty()) break;
        std::this_thread::sleep_for(100ms);
    }
    return left;
}

TEST(MutatedBundles, CreateAcceptsOrRefusesByFieldAndLeavesNothing) {
    const long count = env_number("OCIRUN_MUTATIONS", 200);
    std::mt19937 rng(static_cast<unsigned>(env_number("OCIRUN_MUTATION_SEED", 16)));
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    enrich(bundle.config());
    const json::value base = bundle.config();

    long accepted = 0, refused = 0, refused_naming_field = 0, refused_at_exec_lookup = 0, failures = 0;
    std::map<std::string, long> by_kind;
    std::vector<std::string> unnamed_examples;
    for (long i = 0; i < count; ++i) {
        json::value config = base;
        std::map<std::string, std::string> raw;
        std::string what;
        const int mutations = 1 + static_cast<int>(rng() % 3);
        for (int m = 0; m < mutations; ++m) {
            const std::string kind = mutate_once(config, rng, raw);
            ++by_kind[kind.substr(0, kind.find(' ', kind.find(' ') + 1))];
            what += (what.empty() ? "" : ", ") + kind;
        }
        const std::string text = render(config, raw);
        bundle.write_raw_config(text);
        const std::string id = it::unique_id("mut");
        const std::string label = "mutation " + std::to_string(i) + " (" + what + ")";

        const auto r = ocirun({"create", "--bundle", bundle.path().string(), id}, {.timeout = 30s});
        bool ok = true;
        if (crashed(r)) {
            ADD_FAILURE() << label << ": crashed: " << r.describe() << "\nconfig: " << text.substr(0, 4000);
            ok = false;
        } else if (r.exit_code == 0) {
            ++accepted;
            const auto del = ocirun({"delete", "--force", id}, {.timeout = 30s});
            if (del.exit_code != 0) {
                ADD_FAILURE() << label << ": accepted, then delete --force: " << del.describe();
                ok = false;
            }
        } else {
            ++refused;
            if (r.err.find("config.json") != std::string::npos) {
                ++refused_naming_field;
            } else if (r.err.find("executable file not found in $PATH") != std::string::npos) {
                // A valid config whose process the rootfs cannot run (e.g. process.env removed:
                // no PATH): refused at start with runc's own exec-lookup text, not a config error.
                ++refused_at_exec_lookup;
            } else if (unnamed_examples.size() < 8) {
                unnamed_examples.push_back(label + ": " + r.err.substr(0, 300));
            }
            ocirun({"delete", "--force", id}, {.timeout = 30s});  // must not be needed; checked below
        }
        const auto list = ocirun({"list"}, {.timeout = 30s});
        if (list.exit_code != 0) {
            ADD_FAILURE() << label << ": list: " << list.describe();
            ok = false;
        }
        const auto left = everything_left(ocirun, id, bundle);
        if (!left.empty()) {
            ADD_FAILURE() << label << ": left behind: " << ::testing::PrintToString(left);
            ok = false;
        }
        if (!ok) ++failures;
    }
    std::cout << "mutations tried: " << count << ", accepted (then deleted): " << accepted
              << ", refused: " << refused << " (naming config.json: " << refused_naming_field
              << "), crashes or leftovers: " << failures << std::endl;
    for (const auto& [kind, n] : by_kind) std::cout << "  mutation kind " << kind << ": " << n << std::endl;
    for (const auto& e : unnamed_examples) std::cout << "  refused without naming config.json: " << e << std::endl;
    EXPECT_EQ(failures, 0);
    std::cout << "refused at the exec lookup (valid config, runc's text): " << refused_at_exec_lookup << std::endl;
    EXPECT_EQ(refused_naming_field + refused_at_exec_lookup, refused)
        << "every refusal must name config.json and the field (or be runc's exec-lookup failure)";
}

}  // namespace
