// core/spec: `ocirun spec` against `runc spec`, the features document, the name tables.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ocirun/error.hpp"
#include "spec/features.hpp"
#include "spec/known_names.hpp"
#include "spec/spec_json.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace ocirun::spec;

namespace {

std::string runc_path() {
    for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"}) {
        fs::path p = fs::path(dir) / "runc";
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return "";
}

// Runs `runc spec [--rootless]` in a fresh temp dir and returns the bytes it wrote.
std::string runc_spec_bytes(const std::string& runc, bool rootless) {
    char tmpl[] = "/tmp/ocirun-spec-test-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    if (!dir) throw std::runtime_error("mkdtemp failed");
    const fs::path d(dir);
    const std::string cmd = "cd '" + d.string() + "' && '" + runc + "' spec" + (rootless ? " --rootless" : "");
    const int rc = std::system(cmd.c_str());
    std::ifstream in(d / "config.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove_all(d);
    if (rc != 0) throw std::runtime_error("`" + cmd + "` failed");
    return ss.str();
}

// Drops the `"ociVersion": "...",` line: the one line where we differ from runc on purpose.
std::string without_version_line(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    bool first = true;
    while (std::getline(in, line)) {
        if (line.find("\"ociVersion\"") != std::string::npos) continue;
        if (!first) out += '\n';
        out += line;
        first = false;
    }
    return out;
}

class RuncDefaultSpec : public ::testing::TestWithParam<bool> {};

}  // namespace

TEST_P(RuncDefaultSpec, SameContentAndBytesAsRunc) {
    const bool rootless = GetParam();
    const std::string runc = runc_path();
    if (runc.empty()) GTEST_SKIP() << "runc is not installed: nothing to compare `ocirun spec` with";
    const std::string theirs = runc_spec_bytes(runc, rootless);

    json::object expected = json::parse(theirs).as_object();
    json::object ours = to_json(default_spec(rootless)).as_object();
    EXPECT_EQ(ours.at("ociVersion"), json::value(kSpecVersion));
    expected.erase("ociVersion");
    ours.erase("ociVersion");
    EXPECT_EQ(json::value(ours), json::value(expected)) << json::serialize(ours);

    const std::string our_bytes = pretty_print(to_json(default_spec(rootless)));
    EXPECT_EQ(without_version_line(our_bytes), without_version_line(theirs));
    EXPECT_EQ(our_bytes.back(), theirs.back()) << "trailing byte differs from runc's";
    EXPECT_NE(our_bytes.find(std::string("\t\"ociVersion\": \"") + kSpecVersion + "\",\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Spec, RuncDefaultSpec, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Rootless" : "Root"; });

TEST(SpecDefaults, RootlessMapsTheInvokingUser) {
    Spec s = default_spec(true);
    ASSERT_EQ(s.linuxSection->uidMappings.size(), 1u);
    EXPECT_EQ(s.linuxSection->uidMappings[0].hostID, ::geteuid());
    EXPECT_EQ(s.linuxSection->gidMappings[0].hostID, ::getegid());
    EXPECT_FALSE(s.linuxSection->resources);
}

// ---------------------------------------------------------------------------- features

TEST(SpecFeatures, CoreShape) {
    json::object f = features_json(std::vector<std::string>{});
    EXPECT_EQ(f.at("ociVersionMin"), "1.0.0");
    EXPECT_EQ(f.at("ociVersionMax"), kSpecVersion);
    EXPECT_EQ(f.at("hooks").as_array().size(), 6u);
    const auto& opts = f.at("mountOptions").as_array();
    EXPECT_TRUE(std::is_sorted(opts.begin(), opts.end(),
                               [](const json::value& a, const json::value& b) { return a.as_string() < b.as_string(); }));
    for (const char* want : {"rro", "rnosymfollow", "tmpcopyup", "idmap", "ridmap", "rbind", "nostrictatime"})
        EXPECT_NE(std::find(opts.begin(), opts.end(), json::value(want)), opts.end()) << want;
    const auto& l = f.at("linux").as_object();
    EXPECT_EQ(l.at("namespaces").as_array().size(), 8u);
    EXPECT_EQ(l.at("capabilities").as_array().size(), 41u);
    EXPECT_EQ(l.at("capabilities").as_array().back(), "CAP_CHECKPOINT_RESTORE");
    for (const char* k : {"v1", "v2", "systemd", "systemdUser", "rdma"})
        EXPECT_EQ(l.at("cgroup").at(k), false) << k;
    for (const char* k : {"seccomp", "apparmor", "selinux", "intelRdt"}) EXPECT_EQ(l.at(k).at("enabled"), false) << k;
    EXPECT_EQ(l.at("mountExtensions").at("idmap").at("enabled"), true);
    EXPECT_TRUE(f.at("annotations").as_object().contains("io.github.ocirun.version"));
}

TEST(SpecFeatures, FragmentsDeepMerge) {
    json::object f = features_json(std::vector<std::string>{
        R"({"linux":{"seccomp":{"enabled":true,"actions":["SCMP_ACT_ALLOW","SCMP_ACT_ERRNO"]}}})",
        R"({"linux":{"cgroup":{"v1":true}},"annotations":{"io.github.ocirun.plugin.cgroups-v1":"0.1"}})",
    });
    const auto& l = f.at("linux").as_object();
    EXPECT_EQ(l.at("seccomp").at("enabled"), true);
    EXPECT_EQ(l.at("seccomp").at("actions").as_array().size(), 2u);
    EXPECT_EQ(l.at("cgroup").at("v1"), true);
    EXPECT_EQ(l.at("cgroup").at("v2"), false);  // untouched siblings stay
    EXPECT_EQ(l.at("apparmor").at("enabled"), false);
    EXPECT_EQ(f.at("annotations").at("io.github.ocirun.plugin.cgroups-v1"), "0.1");
    EXPECT_TRUE(f.at("annotations").as_object().contains("io.github.ocirun.version"));
}

TEST(SpecFeatures, BadFragmentIsNamed) {
    try {
        features_json(std::vector<std::string>{"{}", "{\"linux\": }"});
        FAIL() << "expected an error";
    } catch (const ocirun::Error& e) {
        EXPECT_STREQ(e.what(), "plugin features fragment 2: invalid JSON at line 1, column 11: syntax error");
    }
    try {
        features_json(std::vector<std::pair<std::string, std::string>>{{"seccomp plugin", "[true]"}});
        FAIL() << "expected an error";
    } catch (const ocirun::Error& e) {
        EXPECT_STREQ(e.what(), "seccomp plugin: expected a JSON object, got [true]");
    }
}

// ---------------------------------------------------------------------------- name tables

TEST(SpecKnownNames, Capabilities) {
    EXPECT_EQ(capability_number("CAP_CHOWN"), 0);
    EXPECT_EQ(capability_number("CAP_SYS_ADMIN"), 21);
    EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), 40);
    EXPECT_FALSE(capability_number("CAP_FOO"));
    EXPECT_FALSE(capability_number("cap_chown"));
    ASSERT_EQ(capability_names().size(), 41u);
    for (std::size_t i = 0; i < capability_names().size(); ++i)
        EXPECT_EQ(capability_number(capability_names()[i]), static_cast<int>(i));
}

TEST(SpecKnownNames, Rlimits) {
    EXPECT_EQ(rlimit_resource("RLIMIT_NOFILE"), RLIMIT_NOFILE);
    EXPECT_EQ(rlimit_resource("RLIMIT_RTTIME"), RLIMIT_RTTIME);
    EXPECT_FALSE(rlimit_resource("RLIMIT_FOO"));
    EXPECT_EQ(rlimit_names().size(), 16u);
}

TEST(SpecKnownNames, Namespaces) {
    EXPECT_EQ(namespace_clone_flag("network"), CLONE_NEWNET);
    EXPECT_EQ(namespace_clone_flag("mount"), CLONE_NEWNS);
    EXPECT_EQ(namespace_clone_flag("time"), 0x80);
    EXPECT_FALSE(namespace_clone_flag("net"));
    EXPECT_EQ(namespace_proc_name("network"), "net");
    EXPECT_EQ(namespace_proc_name("mount"), "mnt");
    EXPECT_EQ(namespace_proc_name("cgroup"), "cgroup");
    EXPECT_EQ(namespace_types().size(), 8u);
}

TEST(SpecKnownNames, MountOptions) {
    EXPECT_EQ(find_mount_option("mode=755"), nullptr);
    EXPECT_EQ(find_mount_option("size=65536k"), nullptr);
    const MountOption* ro = find_mount_option("ro");
    ASSERT_NE(ro, nullptr);
    EXPECT_EQ(ro->flag, static_cast<unsigned long>(MS_RDONLY));
    EXPECT_FALSE(ro->clear);
    const MountOption* rw = find_mount_option("rw");
    ASSERT_NE(rw, nullptr);
    EXPECT_TRUE(rw->clear);
    const MountOption* rbind = find_mount_option("rbind");
    EXPECT_EQ(rbind->flag, static_cast<unsigned long>(MS_BIND | MS_REC));
    const MountOption* rslave = find_mount_option("rslave");
    EXPECT_TRUE(rslave->propagation);
    EXPECT_EQ(rslave->flag, static_cast<unsigned long>(MS_SLAVE | MS_REC));
    const MountOption* rro = find_mount_option("rro");
    EXPECT_TRUE(rro->recursive_attr);
    EXPECT_EQ(rro->attr, static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY));
    EXPECT_TRUE(find_mount_option("rsuid")->clear);
    EXPECT_TRUE(find_mount_option("idmap")->idmap);
    EXPECT_FALSE(find_mount_option("idmap")->recursive_attr);
    EXPECT_TRUE(find_mount_option("ridmap")->recursive_attr);
    ASSERT_NE(find_mount_option("tmpcopyup"), nullptr);
    for (const char* name : {"suid", "nosuid", "dev", "nodev", "exec", "noexec", "sync", "async", "dirsync",
                             "remount", "mand", "nomand", "atime", "noatime", "diratime", "nodiratime",
                             "relatime", "norelatime", "strictatime", "nostrictatime", "bind", "unbindable",
                             "runbindable", "private", "rprivate", "shared", "rshared", "slave", "lazytime",
                             "nolazytime", "silent", "loud", "iversion", "noiversion", "rrw", "rnosuid",
                             "rnodev", "rdev", "rnoexec", "rexec", "rnodiratime", "rdiratime", "rrelatime",
                             "rnorelatime", "rnoatime", "ratime", "rstrictatime", "rnostrictatime",
                             "rnosymfollow", "rsymfollow"})
        EXPECT_NE(find_mount_option(name), nullptr) << name;
    EXPECT_EQ(mount_option_names().size(), 64u);
}
