// core/spec: config.json parsing, serialization, validation errors, known names.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <unistd.h>

#include "ocirun/error.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"

namespace json = boost::json;
using namespace ocirun::spec;

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string fixture_text() {
    return read_text(std::filesystem::path(OCIRUN_TEST_SOURCE_DIR) / "tests/unit/fixtures/spec_full_config.json");
}

// The error text of parse_config + validate, or "" when both succeed.
std::string config_error(const std::string& text) {
    try {
        validate(parse_config(text));
    } catch (const ocirun::Error& e) {
        return e.what();
    }
    return "";
}

// A valid config (runc's default) as a JSON object to break field by field.
json::object valid_config() { return to_json(default_spec(false)).as_object(); }

std::string error_after(void (*edit)(json::object&)) {
    json::object c = valid_config();
    edit(c);
    return config_error(json::serialize(c));
}

}  // namespace

// ---------------------------------------------------------------------------- parsing

TEST(SpecParse, FixtureCoversEveryField) {
    Spec s = parse_config(fixture_text());
    EXPECT_EQ(s.ociVersion, "1.3.0");
    ASSERT_TRUE(s.process);
    const Process& p = *s.process;
    EXPECT_TRUE(p.terminal);
    ASSERT_TRUE(p.consoleSize);
    EXPECT_EQ(p.consoleSize->height, 25u);
    EXPECT_EQ(p.consoleSize->width, 80u);
    EXPECT_EQ(p.user.uid, 1000u);
    EXPECT_EQ(p.user.gid, 1001u);
    EXPECT_EQ(p.user.umask, 18u);
    EXPECT_EQ(p.user.additionalGids, (std::vector<std::uint32_t>{5, 6}));
    EXPECT_EQ(p.user.username, "tester");
    EXPECT_EQ(p.args, (std::vector<std::string>{"sh", "-c", "echo hi"}));
    EXPECT_EQ(p.commandLine, "sh -c 'echo hi'");
    EXPECT_EQ(p.env.size(), 2u);
    EXPECT_EQ(p.cwd, "/work");
    ASSERT_TRUE(p.capabilities);
    EXPECT_EQ(p.capabilities->bounding, (std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"}));
    EXPECT_EQ(p.capabilities->inheritable, (std::vector<std::string>{"CAP_NET_RAW"}));
    EXPECT_EQ(p.capabilities->ambient, (std::vector<std::string>{"CAP_SYS_ADMIN"}));
    ASSERT_EQ(p.rlimits.size(), 2u);
    EXPECT_EQ(p.rlimits[1].type, "RLIMIT_CORE");
    EXPECT_EQ(p.rlimits[1].hard, UINT64_MAX);
    EXPECT_EQ(p.rlimits[0].soft, 512u);
    EXPECT_TRUE(p.noNewPrivileges);
    EXPECT_EQ(p.apparmorProfile, "docker-default");
    EXPECT_EQ(p.oomScoreAdj, -500);
    ASSERT_TRUE(p.scheduler);
    EXPECT_EQ(p.scheduler->policy, "SCHED_DEADLINE");
    EXPECT_EQ(p.scheduler->nice, -5);
    EXPECT_EQ(p.scheduler->priority, 3);
    EXPECT_EQ(p.scheduler->flags.size(), 1u);
    EXPECT_EQ(p.scheduler->runtime, 100u);
    EXPECT_EQ(p.scheduler->deadline, 200u);
    EXPECT_EQ(p.scheduler->period, 300u);
    EXPECT_EQ(p.selinuxLabel, "system_u:system_r:container_t:s0");
    ASSERT_TRUE(p.ioPriority);
    EXPECT_EQ(p.ioPriority->ioClass, "IOPRIO_CLASS_BE");
    EXPECT_EQ(p.ioPriority->priority, 4);
    ASSERT_TRUE(p.execCPUAffinity);
    EXPECT_EQ(p.execCPUAffinity->final, "0-3,7");

    ASSERT_TRUE(s.root);
    EXPECT_EQ(s.root->path, "rootfs");
    EXPECT_TRUE(s.root->readonly);
    EXPECT_EQ(s.hostname, "box");
    EXPECT_EQ(s.domainname, "example.org");
    ASSERT_EQ(s.mounts.size(), 2u);
    EXPECT_EQ(s.mounts[1].options, (std::vector<std::string>{"rbind", "rro", "idmap"}));
    ASSERT_EQ(s.mounts[1].uidMappings.size(), 1u);
    EXPECT_EQ(s.mounts[1].uidMappings[0].hostID, 100000u);
    EXPECT_EQ(s.mounts[1].gidMappings[0].size, 65536u);

    ASSERT_TRUE(s.hooks);
    ASSERT_EQ(s.hooks->prestart.size(), 1u);
    EXPECT_EQ(s.hooks->prestart[0].args, (std::vector<std::string>{"pre", "1"}));
    EXPECT_EQ(s.hooks->prestart[0].env, (std::vector<std::string>{"A=1"}));
    EXPECT_EQ(s.hooks->prestart[0].timeout, 5);
    EXPECT_EQ(s.hooks->createRuntime[0].path, "/bin/cr");
    EXPECT_EQ(s.hooks->createContainer[0].path, "/bin/cc");
    EXPECT_EQ(s.hooks->startContainer[0].path, "/bin/sc");
    EXPECT_EQ(s.hooks->poststart[0].path, "/bin/ps");
    EXPECT_EQ(s.hooks->poststop[0].timeout, 0);  // present and zero, not absent
    EXPECT_EQ(s.annotations.at("org.example.key"), "value");
    EXPECT_EQ(s.annotations.at("com.example.other"), "");

    ASSERT_TRUE(s.linuxSection);
    const Linux& l = *s.linuxSection;
    EXPECT_EQ(l.uidMappings[0].hostID, 1000u);
    EXPECT_EQ(l.gidMappings[0].hostID, 1001u);
    EXPECT_EQ(l.sysctl.at("net.ipv4.ip_forward"), "1");
    ASSERT_TRUE(l.resources);
    const LinuxResources& r = *l.resources;
    ASSERT_EQ(r.devices.size(), 2u);
    EXPECT_FALSE(r.devices[0].major);
    EXPECT_EQ(r.devices[1].major, 1);
    EXPECT_EQ(r.devices[1].type, "c");
    ASSERT_TRUE(r.memory);
    EXPECT_EQ(r.memory->limit, 536870912);
    EXPECT_EQ(r.memory->kernel, -1);
    EXPECT_EQ(r.memory->kernelTCP, 0);
    EXPECT_EQ(r.memory->swappiness, 60u);
    EXPECT_EQ(r.memory->disableOOMKiller, false);
    EXPECT_EQ(r.memory->useHierarchy, true);
    EXPECT_EQ(r.memory->checkBeforeUpdate, true);
    ASSERT_TRUE(r.cpu);
    EXPECT_EQ(r.cpu->quota, -1);
    EXPECT_EQ(r.cpu->burst, 1000u);
    EXPECT_EQ(r.cpu->realtimeRuntime, 950000);
    EXPECT_EQ(r.cpu->cpus, "0-1");
    EXPECT_EQ(r.cpu->idle, 1);
    EXPECT_EQ(r.pids->limit, 32);
    ASSERT_TRUE(r.blockIO);
    EXPECT_EQ(r.blockIO->weight, 500);
    EXPECT_EQ(r.blockIO->weightDevice[0].leafWeight, 100);
    EXPECT_EQ(r.blockIO->throttleWriteIOPSDevice[0].rate, 500u);
    EXPECT_EQ(r.blockIO->throttleReadBpsDevice[0].rate, 104857600u);
    EXPECT_EQ(r.hugepageLimits[0].pageSize, "2MB");
    EXPECT_EQ(r.network->classID, 1048577u);
    EXPECT_EQ(r.network->priorities[0].name, "eth0");
    EXPECT_EQ(r.rdma.at("mlx5_1").hcaObjects, 10000u);
    EXPECT_EQ(r.unified.at("io.weight"), "default 100");
    EXPECT_EQ(l.cgroupsPath, "/myRuntime/myContainer");
    ASSERT_EQ(l.namespaces.size(), 8u);
    EXPECT_EQ(l.namespaces[1].path, "/var/run/netns/neta");
    EXPECT_EQ(l.devices[0].fileMode, 438u);
    EXPECT_EQ(l.devices[0].uid, 0u);
    EXPECT_FALSE(l.devices[1].fileMode);
    EXPECT_EQ(l.netDevices.at("eth1").name, "ceth1");
    EXPECT_EQ(l.netDevices.at("eth2").name, "");
    ASSERT_TRUE(l.seccomp);
    EXPECT_EQ(l.seccomp->defaultErrnoRet, 1u);
    EXPECT_EQ(l.seccomp->listenerMetadata, "meta");
    EXPECT_EQ(l.seccomp->syscalls[1].errnoRet, 38u);
    EXPECT_EQ(l.seccomp->syscalls[1].args[0].valueTwo, 9u);
    EXPECT_EQ(l.seccomp->syscalls[1].args[0].op, "SCMP_CMP_EQ");
    EXPECT_EQ(l.rootfsPropagation, "rslave");
    EXPECT_EQ(l.maskedPaths[0], "/proc/kcore");
    EXPECT_EQ(l.readonlyPaths[0], "/proc/sys");
    EXPECT_EQ(l.mountLabel, "system_u:object_r:container_file_t:s0");
    ASSERT_TRUE(l.intelRdt);
    EXPECT_EQ(l.intelRdt->schemata[0], "L2:0=ff");
    EXPECT_TRUE(l.intelRdt->enableMonitoring);
    ASSERT_TRUE(l.memoryPolicy);
    EXPECT_EQ(l.memoryPolicy->nodes, "0-3");
    ASSERT_TRUE(l.personality);
    EXPECT_EQ(l.personality->domain, "LINUX32");
    EXPECT_EQ(l.timeOffsets.at("monotonic").secs, -86400);
    EXPECT_EQ(l.timeOffsets.at("monotonic").nanosecs, 5u);

    // No validate() here: every field at once is not a valid combination (a scheduler priority
    // with SCHED_DEADLINE, an idmapped mount beside a user namespace, intelRdt on a host
    // without resctrl); spec_validate and the integration tests check those rules.
}

// Every field of the fixture comes back out of to_json; only unknown fields and empty values
// (omitempty) are dropped.
TEST(SpecParse, ToJsonKeepsEveryFixtureField) {
    json::value expected = json::parse(fixture_text());
    expected.as_object().erase("windows");
    expected.at("process").as_object().erase("someFutureField");
    expected.at("linux").at("personality").as_object().erase("flags");  // [] is empty
    expected.at("linux").at("netDevices").at("eth2").as_object();       // {} stays {}
    EXPECT_EQ(to_json(parse_config(fixture_text())), expected)
        << json::serialize(to_json(parse_config(fixture_text())));
}

TEST(SpecParse, RoundTripIsStable) {
    Spec first = parse_config(fixture_text());
    json::value once = to_json(first);
    Spec second = parse_config(json::serialize(once));
    EXPECT_EQ(to_json(second), once);
    EXPECT_EQ(pretty_print(to_json(second)), pretty_print(once));
}

TEST(SpecParse, UnknownFieldsAndNullsAreIgnored) {
    Spec s = parse_config(R"({"ociVersion":"1.0.0","future":{"x":[1,2]},"root":{"path":"r","bogus":1},
        "process":{"cwd":"/","args":["a"],"user":{"uid":1,"gid":2,"shoeSize":44}},"hostname":null,
        "linux":{"namespaces":[{"type":"uts","extra":"y"}],"sysctl":null}})");
    EXPECT_EQ(s.root->path, "r");
    EXPECT_EQ(s.process->user.uid, 1u);
    EXPECT_EQ(s.hostname, "");
    EXPECT_TRUE(s.linuxSection->sysctl.empty());
    EXPECT_NO_THROW(validate(s));
}

TEST(SpecParse, KeysMatchCaseInsensitivelyLikeGo) {
    Spec s = parse_config(R"({"ociVersion":"1","Root":{"PATH":"r"},"hostName":"h"})");
    EXPECT_EQ(s.root->path, "r");
    EXPECT_EQ(s.hostname, "h");
    // An exact match wins over a case-folded one, whatever the order.
    Spec t = parse_config(R"({"ociVersion":"1","hostname":"exact","HOSTNAME":"folded"})");
    EXPECT_EQ(t.hostname, "exact");
}

TEST(SpecParse, ProcessAndResourcesDocuments) {
    Process p = parse_process(R"({"args":["ls"],"cwd":"/tmp","user":{"uid":3,"gid":4},"terminal":true})",
                              "process.json");
    EXPECT_EQ(p.args[0], "ls");
    EXPECT_EQ(p.user.gid, 4u);
    EXPECT_EQ(json::serialize(to_json(p)),
              R"({"terminal":true,"user":{"uid":3,"gid":4},"args":["ls"],"cwd":"/tmp"})");

    LinuxResources r = parse_resources(R"({"memory":{"limit":1048576},"pids":{"limit":-1}})", "resources");
    EXPECT_EQ(r.memory->limit, 1048576);
    EXPECT_EQ(r.pids->limit, -1);
    EXPECT_EQ(json::serialize(to_json(r)), R"({"memory":{"limit":1048576},"pids":{"limit":-1}})");

    try {
        parse_process(R"({"user":{"uid":"root"}})", "process.json");
        FAIL() << "expected an error";
    } catch (const ocirun::Error& e) {
        EXPECT_STREQ(e.what(), R"(process.json: user.uid: expected an unsigned integer, got "root")");
    }
    try {
        parse_resources(R"({"cpu":{"shares":-2}})", "stdin");
        FAIL() << "expected an error";
    } catch (const ocirun::Error& e) {
        EXPECT_STREQ(e.what(), "stdin: cpu.shares: expected an unsigned integer, got -2");
    }
}

// ---------------------------------------------------------------------------- bad inputs

TEST(SpecErrors, MalformedJsonNamesLineAndColumn) {
    EXPECT_EQ(config_error("{\"ociVersion\": \"1.0.2\",\n \"process\": {,}}"),
              "config.json: invalid JSON at line 2, column 14: syntax error");
    EXPECT_EQ(config_error("{\"ociVersion\": \"1.0.2\""),
              "config.json: invalid JSON at line 1, column 23: incomplete JSON");
    EXPECT_EQ(config_error("{} {}"), "config.json: invalid JSON at line 1, column 4: extra data");
    EXPECT_EQ(config_error("[1]"), "config.json: expected an object, got [1]");
}

TEST(SpecErrors, WrongTypesNameTheNestedPath) {
    EXPECT_EQ(config_error(R"({"process":{"user":{"uid":"x"}}})"),
              R"(config.json: process.user.uid: expected an unsigned integer, got "x")");
    EXPECT_EQ(config_error(R"({"process":{"user":{"uid":-1}}})"),
              "config.json: process.user.uid: expected an unsigned integer, got -1");
    EXPECT_EQ(config_error(R"({"process":{"user":{"uid":4294967296}}})"),
              "config.json: process.user.uid: expected an unsigned integer no larger than 4294967295, got 4294967296");
    EXPECT_EQ(config_error(R"({"process":{"user":{"uid":1.5}}})"),
              "config.json: process.user.uid: expected an unsigned integer, got 1.5");
    EXPECT_EQ(config_error(R"({"process":{"user":{"uid":2.0}}})"),
              "config.json: process.user.uid: expected an unsigned integer, got 2.0");
    EXPECT_EQ(config_error(R"({"mounts":[{"destination":"/a"},{"destination":"/b","options":["ro",5]}]})"),
              "config.json: mounts[1].options[1]: expected a string, got 5");
    EXPECT_EQ(config_error(R"({"linux":{"resources":{"memory":{"limit":"big"}}}})"),
              R"(config.json: linux.resources.memory.limit: expected an integer, got "big")");
    EXPECT_EQ(config_error(R"({"process":{"terminal":"yes"}})"),
              R"(config.json: process.terminal: expected a boolean, got "yes")");
    EXPECT_EQ(config_error(R"({"root":"rootfs"})"), R"(config.json: root: expected an object, got "rootfs")");
    EXPECT_EQ(config_error(R"({"linux":{"sysctl":{"a.b":1}}})"),
              R"(config.json: linux.sysctl["a.b"]: expected a string, got 1)");
    EXPECT_EQ(config_error(R"({"linux":{"resources":{"blockIO":{"weight":70000}}}})"),
              "config.json: linux.resources.blockIO.weight: expected an unsigned integer no larger than 65535, got 70000");
    EXPECT_EQ(config_error(R"({"process":{"oomScoreAdj":3000000000}})"),
              "config.json: process.oomScoreAdj: expected an integer between -2147483648 and 2147483647, got 3000000000");
}

TEST(SpecErrors, RequiredFields) {
    EXPECT_EQ(error_after([](json::object& c) { c.erase("ociVersion"); }),
              "config.json: ociVersion: must not be empty");
    EXPECT_EQ(error_after([](json::object& c) { c.erase("root"); }), "config.json: root: root must be specified");
    EXPECT_EQ(error_after([](json::object& c) { c["root"].as_object().erase("path"); }),
              "config.json: root.path: root path must be specified");
    EXPECT_EQ(error_after([](json::object& c) { c.erase("process"); }),
              "config.json: process: process property must not be empty");
    EXPECT_EQ(error_after([](json::object& c) { c["process"].as_object()["args"] = json::array(); }),
              "config.json: process.args: args must not be empty");
    EXPECT_EQ(error_after([](json::object& c) { c["process"].as_object()["cwd"] = ""; }),
              "config.json: process.cwd: Cwd property must not be empty");
    EXPECT_EQ(error_after([](json::object& c) { c["process"].as_object()["cwd"] = "work"; }),
              R"(config.json: process.cwd: Cwd must be an absolute path, got "work")");
    EXPECT_EQ(error_after([](json::object& c) { c["mounts"].as_array()[2].as_object()["destination"] = ""; }),
              "config.json: mounts[2].destination: must not be empty");
}

TEST(SpecErrors, Namespaces) {
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array()[2] = json::object{{"type", "foo"}};
              }),
              R"(config.json: linux.namespaces[2].type: unknown namespace "foo")");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array().push_back(json::object{{"type", "pid"}});
              }),
              R"(config.json: linux.namespaces[5].type: duplicated namespace "pid" (also at linux.namespaces[0]))");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array().erase(
                      c["linux"].as_object()["namespaces"].as_array().begin() + 3);  // uts
              }),
              "config.json: hostname: unable to set hostname without a private UTS namespace");
    EXPECT_EQ(error_after([](json::object& c) {
                  c.erase("hostname");
                  c["domainname"] = "example.org";
                  auto& ns = c["linux"].as_object()["namespaces"].as_array();
                  ns.erase(ns.begin() + 3);
              }),
              "config.json: domainname: unable to set domainname without a private UTS namespace");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["uidMappings"] =
                      json::array{json::object{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
              }),
              "config.json: linux.uidMappings: user namespace mappings specified, but user namespace isn't "
              "enabled in the config");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array().push_back(json::object{{"type", "user"}});
              }),
              "config.json: linux.uidMappings: User namespaces enabled, but no uid mappings found");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array().push_back(json::object{{"type", "user"}});
                  c["linux"].as_object()["uidMappings"] =
                      json::array{json::object{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
              }),
              "config.json: linux.gidMappings: User namespaces enabled, but no gid mappings found");
    // Joining an existing user namespace needs no mappings.
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["namespaces"].as_array().push_back(
                      json::object{{"type", "user"}, {"path", "/proc/1/ns/user"}});
              }),
              "");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["timeOffsets"] = json::object{{"monotonic", json::object{{"secs", 1}}}};
              }),
              "config.json: linux.timeOffsets: time namespace offsets specified, but time namespace isn't enabled "
              "in the config");
}

TEST(SpecErrors, CapabilitiesAndRlimits) {
    // Unknown capability names are accepted: create and exec warn and leave them out, like runc.
    EXPECT_EQ(error_after([](json::object& c) {
                  c["process"].as_object()["capabilities"].as_object()["bounding"].as_array()[1] = "CAP_FOO";
              }),
              "");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["process"].as_object()["capabilities"].as_object()["inheritable"] = json::array{"cap_kill"};
              }),
              "");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["process"].as_object()["rlimits"].as_array().push_back(
                      json::object{{"type", "RLIMIT_FOO"}, {"hard", 1}, {"soft", 1}});
              }),
              R"(config.json: process.rlimits[1].type: unknown rlimit "RLIMIT_FOO")");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["process"].as_object()["rlimits"].as_array()[0] =
                      json::object{{"type", "RLIMIT_NOFILE"}, {"hard", 10}, {"soft", 100}};
              }),
              "config.json: process.rlimits[0]: soft limit 100 is greater than hard limit 10");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["process"].as_object()["rlimits"].as_array().push_back(
                      json::object{{"type", "RLIMIT_NOFILE"}, {"hard", 10}, {"soft", 10}});
              }),
              R"(config.json: process.rlimits[1].type: duplicated rlimit "RLIMIT_NOFILE" (also at process.rlimits[0]))");
}

TEST(SpecErrors, DevicesSysctlPropagation) {
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["devices"] = json::array{
                      json::object{{"path", "/dev/x"}, {"type", "x"}, {"major", 1}, {"minor", 3}}};
              }),
              R"(config.json: linux.devices[0].type: invalid device type "x")");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["devices"] =
                      json::array{json::object{{"type", "c"}, {"major", 1}, {"minor", 3}}};
              }),
              "config.json: linux.devices[0].path: must not be empty");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["sysctl"] = json::object{{"foo bar", "1"}};
              }),
              R"(config.json: linux.sysctl["foo bar"]: invalid sysctl name "foo bar")");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["sysctl"] = json::object{{"net..ipv4", "1"}};
              }),
              R"(config.json: linux.sysctl["net..ipv4"]: invalid sysctl name "net..ipv4")");
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["sysctl"] = json::object{{"net/ipv4/ip_forward", "1"}};
              }),
              "");
    EXPECT_EQ(error_after([](json::object& c) { c["linux"].as_object()["rootfsPropagation"] = "rbind"; }),
              R"(config.json: linux.rootfsPropagation: unknown propagation "rbind")");
}

TEST(SpecValidate, AcceptsWhatRuncAccepts) {
    EXPECT_NO_THROW(validate(default_spec(false)));
    EXPECT_NO_THROW(validate(default_spec(true)));
    // runc 1.1 accepts relative mount destinations (relative to /).
    EXPECT_EQ(error_after([](json::object& c) {
                  c["mounts"].as_array().push_back(json::object{{"destination", "tmp"}, {"type", "tmpfs"}});
              }),
              "");
    // Seccomp actions are the seccomp plugin's business.
    EXPECT_EQ(error_after([](json::object& c) {
                  c["linux"].as_object()["seccomp"] = json::object{{"defaultAction", "SCMP_ACT_WHATEVER"}};
              }),
              "");
}

// ---------------------------------------------------------------------------- pretty print

TEST(SpecPrettyPrint, MatchesGoMarshalIndent) {
    json::value v = json::parse(R"({"a":[],"b":{},"c":[1,{"d":"<x&y>"}],"e":null,"f":true,"g":-3})");
    EXPECT_EQ(pretty_print(v),
              "{\n\t\"a\": [],\n\t\"b\": {},\n\t\"c\": [\n\t\t1,\n\t\t{\n\t\t\t\"d\": \"\\u003cx\\u0026y\\u003e\"\n"
              "\t\t}\n\t],\n\t\"e\": null,\n\t\"f\": true,\n\t\"g\": -3\n}");
    EXPECT_EQ(pretty_print(json::string("a\"b\\\x01")), "\"a\\\"b\\\\\\u0001\"");
}

// ---------------------------------------------------------------------------- bundle file

TEST(SpecBundle, LoadsConfigJsonAndNamesAMissingOne) {
    char tmpl[] = "/tmp/ocirun-spec-bundle-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::filesystem::path bundle(tmpl);
    try {
        load_bundle_config(bundle);
        ADD_FAILURE() << "expected an error for a bundle without config.json";
    } catch (const ocirun::Error& e) {
        EXPECT_EQ(std::string(e.what()), "JSON specification file " + (bundle / "config.json").string() + " not found");
    }
    std::ofstream(bundle / "config.json") << pretty_print(to_json(default_spec(false)));
    Spec s = load_bundle_config(bundle);
    EXPECT_EQ(s.hostname, "runc");
    EXPECT_EQ(to_json(s), to_json(default_spec(false)));
    std::filesystem::remove_all(bundle);
}
