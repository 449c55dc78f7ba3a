// The container process as the init leaves it: env, hostname, cwd, user and groups, umask,
// capabilities, no_new_privs, rlimits, open fds, pid 1, and create-time errors for a missing
// program or an impossible rlimit. Real containers through the `ocirun` binary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace it = ocirun::it;
namespace json = boost::json;

namespace {

const std::vector<std::string> kNothing;

// Runs `sh -c script` in a fresh container of `bundle`; checks that nothing is left behind.
it::CommandResult run_script(it::Bundle& bundle, const std::string& script, const std::string& prefix) {
    it::Runner ocirun = it::Runner::ocirun();
    bundle.set_args({"sh", "-c", script});
    const auto id = it::unique_id(prefix);
    auto r = ocirun({"run", "--bundle", bundle.path().string(), id});
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << script;
    return r;
}

json::object& process_of(it::Bundle& bundle) { return bundle.config().at("process").as_object(); }

json::array names(const std::vector<std::string>& list) {
    json::array a;
    for (const auto& n : list) a.emplace_back(n);
    return a;
}

void set_capabilities(it::Bundle& bundle, const std::vector<std::string>& all,
                      const std::vector<std::string>& ambient) {
    json::object caps;
    caps["bounding"] = names(all);
    caps["effective"] = names(all);
    caps["permitted"] = names(all);
    caps["inheritable"] = names(ambient);
    caps["ambient"] = names(ambient);
    process_of(bundle)["capabilities"] = caps;
    bundle.save();
}

// The value of a "Name:\tvalue" line of /proc/self/status output.
std::string status_field(const std::string& status, const std::string& name) {
    auto pos = status.find(name + ":\t");
    if (pos == std::string::npos) return "<missing " + name + ">";
    pos += name.size() + 2;
    return status.substr(pos, status.find('\n', pos) - pos);
}

}  // namespace

TEST(InitProcess, EnvHostnameAndPid1) {
    it::Bundle bundle;
    bundle.set_env({"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello world"});
    bundle.set_hostname("init-test-host");
    auto r = run_script(bundle, "echo \"$GREETING\"; hostname; echo $$", "ini-env");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "hello world\ninit-test-host\n1\n");
}

TEST(InitProcess, CwdIsCreatedAndEntered) {
    it::Bundle bundle;
    bundle.set_cwd("/made/by/init");
    auto r = run_script(bundle, "pwd", "ini-cwd");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "/made/by/init\n");
    EXPECT_TRUE(std::filesystem::is_directory(bundle.rootfs() / "made/by/init"));
}

TEST(InitProcess, UserGroupsAndUmask) {
    it::Bundle bundle;
    bundle.set_user(1000, 1001);
    auto& user = process_of(bundle).at("user").as_object();
    user["additionalGids"] = json::array{10, 20};
    user["umask"] = 077;
    bundle.save();
    auto r = run_script(bundle, "id; umask", "ini-user");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "uid=1000 gid=1001 groups=10,20\n0077\n");
}

TEST(InitProcess, CapabilitySetsAsConfigured) {
    it::Bundle bundle;
    set_capabilities(bundle, {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}, {});
    auto r = run_script(bundle, "cat /proc/self/status", "ini-caps");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // CAP_KILL = 5, CAP_NET_BIND_SERVICE = 10, CAP_AUDIT_WRITE = 29.
    EXPECT_EQ(status_field(r.out, "CapBnd"), "0000000020000420");
    EXPECT_EQ(status_field(r.out, "CapEff"), "0000000020000420");
    EXPECT_EQ(status_field(r.out, "CapPrm"), "0000000020000420");
    EXPECT_EQ(status_field(r.out, "CapInh"), "0000000000000000");
    EXPECT_EQ(status_field(r.out, "CapAmb"), "0000000000000000");
}

TEST(InitProcess, AmbientCapabilitiesReachANonRootUser) {
    it::Bundle bundle;
    bundle.set_user(1000, 1000);
    set_capabilities(bundle, {"CAP_NET_BIND_SERVICE"}, {"CAP_NET_BIND_SERVICE"});
    auto r = run_script(bundle, "cat /proc/self/status", "ini-amb");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(status_field(r.out, "CapAmb"), "0000000000000400");
    EXPECT_EQ(status_field(r.out, "CapEff"), "0000000000000400");
    EXPECT_EQ(status_field(r.out, "CapBnd"), "0000000000000400");
}

TEST(InitProcess, NoNewPrivileges) {
    for (bool nnp : {true, false}) {
        it::Bundle bundle;
        process_of(bundle)["noNewPrivileges"] = nnp;
        bundle.save();
        auto r = run_script(bundle, "cat /proc/self/status", "ini-nnp");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(status_field(r.out, "NoNewPrivs"), nnp ? "1" : "0");
    }
}

TEST(InitProcess, RlimitsApplied) {
    it::Bundle bundle;
    process_of(bundle)["rlimits"] =
        json::array{json::object{{"type", "RLIMIT_NOFILE"}, {"soft", 100}, {"hard", 200}}};
    bundle.save();
    auto r = run_script(bundle, "ulimit -n; ulimit -Hn", "ini-rlim");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "100\n200\n");
}

TEST(InitProcess, RaisingAHardRlimitFailsAtCreateNamingTheField) {
    it::Bundle bundle;
    process_of(bundle)["rlimits"] = json::array{
        json::object{{"type", "RLIMIT_NOFILE"}, {"soft", 1u << 30}, {"hard", 1u << 30}}};
    bundle.save();
    auto r = run_script(bundle, "true", "ini-rlim-err");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("process.rlimits[0] (RLIMIT_NOFILE): setrlimit: Operation not permitted "
                         "(raising a hard limit needs CAP_SYS_RESOURCE)"),
              std::string::npos)
        << r.describe();
}

TEST(InitProcess, MissingExecutableFailsCreate) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"nope"});
    const auto id = it::unique_id("ini-nope");
    auto r = ocirun({"create", "--bundle", bundle.path().string(), id});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    // The log line escapes the quotes around the name (msg="exec: \"nope\": ...").
    EXPECT_NE(r.err.find("exec: \\\"nope\\\": executable file not found in $PATH"), std::string::npos)
        << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

TEST(InitProcess, OnlyStdioReachesTheContainer) {
    it::Bundle bundle;
    // ls itself opens one directory fd (3) to read /proc/self/fd.
    auto r = run_script(bundle, "ls /proc/self/fd", "ini-fds");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\n1\n2\n3\n");
}

TEST(InitProcess, UserNamespaceRootIsMappedAndOwnsTheMounts) {
    it::Bundle bundle;
    auto& linux_section = bundle.config().at("linux").as_object();
    linux_section["namespaces"].as_array().push_back(json::object{{"type", "user"}});
    const json::array map{json::object{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
    linux_section["uidMappings"] = map;
    linux_section["gidMappings"] = map;
    bundle.save();
    // The mapped root (host uid 200000) must be able to reach the rootfs, as with runc.
    std::filesystem::permissions(bundle.path(), std::filesystem::perms(0755));
    auto r = run_script(bundle,
                        "id -u; cat /proc/self/uid_map | tr -s ' '; test -c /dev/null && echo null; "
                        "grep -c ' /proc .* proc ' /proc/self/mountinfo",
                        "ini-userns");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "0\n 0 200000 65536\nnull\n1\n");
}
