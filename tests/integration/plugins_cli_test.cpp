// The plugin-facing CLI through the real binary: `ocirun plugins`, `features`, lazy loading as seen
// in a created container's memory map, the error when a needed plugin is missing or disabled,
// and the help/version surface clients rely on.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNothing;
const fs::path kPluginDir = OCIRUN_TEST_PLUGIN_DIR;
const std::string kSeccompFile = "syscall-filter.seccomp.so";
const std::string kCgroupsV1File = "cgroup-driver.cgroups-v1.so";

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    return std::vector<std::string>(std::istream_iterator<std::string>(in), std::istream_iterator<std::string>());
}

// The plugin files in the build's plugin dir, as {name -> {kind, path}} ("<kind>.<name>.so").
struct BuiltPlugin {
    std::string kind;
    fs::path path;
};
std::map<std::string, BuiltPlugin> built_plugins() {
    std::map<std::string, BuiltPlugin> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(kPluginDir, ec)) {
        const std::string file = e.path().filename().string();
        if (e.path().extension() != ".so") continue;
        const auto dot = file.find('.');
        if (dot == std::string::npos) continue;
        out[file.substr(dot + 1, file.size() - dot - 1 - 3)] = {file.substr(0, dot), e.path()};
    }
    return out;
}

bool built(const std::string& file) { return fs::exists(kPluginDir / file); }

// Runs the ocirun binary without --root (for commands that take none) with the test plugin dir.
it::CommandResult ocirun_plain(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{OCIRUN_TEST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    env.emplace("OCIRUN_PLUGIN_PATH", kPluginDir.string());
    return it::run_command(argv, {.env = env});
}

// A minimal, valid linux.seccomp: allow everything but one harmless syscall.
boost::json::object seccomp_profile() {
    return boost::json::object{
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures", boost::json::array{"SCMP_ARCH_X86_64"}},
        {"syscalls", boost::json::array{boost::json::object{{"names", boost::json::array{"acct"}},
                                                            {"action", "SCMP_ACT_ERRNO"}}}}};
}

void set_seccomp(it::Bundle& bundle, bool with) {
    auto& lx = bundle.config()["linux"].as_object();
    if (with) lx["seccomp"] = seccomp_profile();
    else lx.erase("seccomp");
    bundle.save();
}

}  // namespace

// ---------------------------------------------------------------- ocirun plugins
TEST(PluginsCli, TableListsEveryBuiltPluginWithKindVersionStatusPath) {
    const auto plugins = built_plugins();
    ASSERT_FALSE(plugins.empty()) << "no plugin built in " << kPluginDir;
    auto r = ocirun_plain({"plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto lines = lines_of(r.out);
    ASSERT_FALSE(lines.empty()) << r.describe();
    EXPECT_EQ(words(lines[0]), (std::vector<std::string>{"NAME", "KIND", "VERSION", "STATUS", "HOST", "PATH"})) << r.out;
    for (const auto& [name, p] : plugins) {
        bool found = false;
        for (size_t i = 1; i < lines.size(); ++i) {
            const auto w = words(lines[i]);
            if (w.empty() || w[0] != name) continue;
            found = true;
            ASSERT_GE(w.size(), 5u) << lines[i];
            EXPECT_EQ(w[1], p.kind) << lines[i];
            EXPECT_TRUE(std::regex_match(w[2], std::regex(R"(\d+\.\d+\.\d+.*)"))) << "version: " << lines[i];
            EXPECT_EQ(w[3], "loaded") << "a built plugin should load: " << lines[i];
            EXPECT_TRUE(w[4] == "available" || w[4] == "unavailable:") << "host column: " << lines[i];
            EXPECT_EQ(w.back(), p.path.string()) << lines[i];
        }
        EXPECT_TRUE(found) << name << " (" << p.path << ") is not listed:\n" << r.out;
    }
}

TEST(PluginsCli, JsonFormatParsesAndMatchesTheBuiltFiles) {
    const auto plugins = built_plugins();
    auto r = ocirun_plain({"plugins", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    boost::system::error_code ec;
    auto v = boost::json::parse(r.out, ec);
    ASSERT_FALSE(ec) << "not JSON: " << r.out;
    ASSERT_TRUE(v.is_array()) << r.out;
    std::set<std::string> listed;
    for (const auto& e : v.as_array()) {
        ASSERT_TRUE(e.is_object()) << r.out;
        const auto& o = e.as_object();
        for (const char* k : {"name", "kind", "version", "status", "host", "path"})
            ASSERT_TRUE(o.contains(k) && o.at(k).is_string()) << "no string \"" << k << "\" in " << e;
        const std::string name(o.at("name").as_string());
        listed.insert(name);
        auto it = plugins.find(name);
        if (it == plugins.end()) continue;  // found elsewhere in the search path
        EXPECT_EQ(std::string(o.at("kind").as_string()), it->second.kind) << e;
        EXPECT_EQ(std::string(o.at("path").as_string()), it->second.path.string()) << e;
        EXPECT_EQ(o.at("status").as_string(), "loaded") << e;
    }
    for (const auto& [name, p] : plugins) EXPECT_TRUE(listed.count(name)) << name << " missing from " << r.out;
}

// ---------------------------------------------------------------- ocirun features
TEST(PluginsCli, FeaturesReflectBuiltPluginsAndHost) {
    auto r = ocirun_plain({"features"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    boost::system::error_code ec;
    auto v = boost::json::parse(r.out, ec);
    ASSERT_FALSE(ec) << "not JSON: " << r.out;
    const auto* lx_value = v.as_object().if_contains("linux");
    ASSERT_TRUE(lx_value && lx_value->is_object()) << r.out;
    const auto& l = lx_value->as_object();
    if (built(kSeccompFile)) {
        ASSERT_TRUE(l.contains("seccomp")) << r.out;
        EXPECT_EQ(l.at("seccomp").at("enabled"), true) << "the seccomp plugin is built: " << l.at("seccomp");
    }
    if (built(kCgroupsV1File)) {
        ASSERT_TRUE(l.contains("cgroup")) << r.out;
        EXPECT_EQ(l.at("cgroup").at("v1"), true) << l.at("cgroup");
    }
    // Host facts: true only where the kernel runs that LSM (and its plugin is built).
    const bool apparmor_on = read_text("/sys/module/apparmor/parameters/enabled").rfind("Y", 0) == 0 &&
                             fs::exists("/sys/kernel/security/apparmor");
    const bool selinux_on = fs::exists("/sys/fs/selinux/enforce");
    for (auto [lsm, on] : {std::pair{"apparmor", apparmor_on}, std::pair{"selinux", selinux_on}}) {
        ASSERT_TRUE(l.contains(lsm)) << r.out;
        const bool plugin_built = built(std::string("lsm.") + lsm + ".so");
        EXPECT_EQ(l.at(lsm).at("enabled"), on && plugin_built) << lsm << ": " << l.at(lsm);
    }
}

// ---------------------------------------------------------------- lazy loading, for real
// A created container's init is still the ocirun image, blocked on the exec fifo: its memory map
// shows which plugin libraries the runtime loaded to set it up.
class LazyLoading : public ::testing::Test {
protected:
    std::string maps_after_create(bool with_seccomp) {
        set_seccomp(bundle, with_seccomp);
        id = it::unique_id(with_seccomp ? "pl-lazy-sc" : "pl-lazy");
        auto r = ocirun({"create", "--bundle", bundle.path(), id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        if (r.exit_code != 0) return {};
        const auto st = ocirun.state(id);
        EXPECT_EQ(st.at("status").as_string(), "created");
        const auto pid = st.at("pid").as_int64();
        return read_text("/proc/" + std::to_string(pid) + "/maps");
    }
    void TearDown() override {
        if (id.empty()) return;
        ocirun({"delete", "--force", id});
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
    }
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    std::string id;
};

TEST_F(LazyLoading, NoSeccompPluginMappedWithoutLinuxSeccomp) {
    if (!built(kSeccompFile) || !built(kCgroupsV1File))
        GTEST_SKIP() << "needs " << kSeccompFile << " and " << kCgroupsV1File << " in " << kPluginDir;
    const auto maps = maps_after_create(false);
    ASSERT_FALSE(maps.empty()) << "could not read the init's /proc/PID/maps";
    EXPECT_EQ(maps.find(kSeccompFile), std::string::npos) << "seccomp plugin mapped without linux.seccomp:\n" << maps;
    EXPECT_NE(maps.find(kCgroupsV1File), std::string::npos) << "the cgroup driver is not mapped:\n" << maps;
}

TEST_F(LazyLoading, SeccompPluginMappedWithLinuxSeccomp) {
    if (!built(kSeccompFile) || !built(kCgroupsV1File))
        GTEST_SKIP() << "needs " << kSeccompFile << " and " << kCgroupsV1File << " in " << kPluginDir;
    const auto maps = maps_after_create(true);
    ASSERT_FALSE(maps.empty()) << "could not read the init's /proc/PID/maps";
    EXPECT_NE(maps.find(kSeccompFile), std::string::npos) << "linux.seccomp did not load the plugin:\n" << maps;
    EXPECT_NE(maps.find(kCgroupsV1File), std::string::npos) << "the cgroup driver is not mapped:\n" << maps;
}

// ---------------------------------------------------------------- a needed plugin that is not there
// The build tree's exe-relative plugin dir always holds the seccomp plugin, so run a copy of the
// binary from a dir whose ../lib/ocirun/plugins does not exist, with OCIRUN_PLUGIN_PATH holding
// only the cgroup driver.
TEST(PluginsCli, MissingSeccompPluginFailsNamingItAndWhereItLooked) {
    if (!built(kCgroupsV1File)) GTEST_SKIP() << "needs " << kCgroupsV1File << " in " << kPluginDir;
    // The binary's built-in dir: /usr/local/... by default, /usr/... in the packaging build.
    for (const fs::path installed : {"/usr/local/lib/ocirun/plugins", "/usr/lib/ocirun/plugins"})
        if (fs::exists(installed / kSeccompFile))
            GTEST_SKIP() << "the installed plugin dir " << installed << " holds the seccomp plugin";
    it::TempDir tree("ocirun-it-noseccomp");
    fs::create_directories(tree.path() / "sbin");
    fs::create_directories(tree.path() / "plugins");
    fs::copy_file(OCIRUN_TEST_BINARY, tree.path() / "sbin/ocirun");
    fs::copy_file(kPluginDir / kCgroupsV1File, tree.path() / "plugins" / kCgroupsV1File);

    it::Runner runner = it::Runner::ocirun();  // for its --root and its cleanup
    it::Bundle bundle;
    bundle.set_args({"true"});
    set_seccomp(bundle, true);
    const auto id = it::unique_id("pl-nosc");
    const std::string plugin_dir = (tree.path() / "plugins").string();
    for (const std::string cmd : {"create", "run"}) {
        auto r = it::run_command({(tree.path() / "sbin/ocirun").string(), "--root", runner.root().string(), cmd,
                                  "--bundle", bundle.path().string(), id},
                                 {.env = {{"OCIRUN_PLUGIN_PATH", plugin_dir}, {"OCIRUN_CONFIG", "/nonexistent"}}});
        EXPECT_NE(r.exit_code, 0) << cmd << ": " << r.describe();
        EXPECT_NE(r.err.find("syscall-filter"), std::string::npos) << cmd << ": kind not named: " << r.describe();
        EXPECT_NE(r.err.find("seccomp"), std::string::npos) << cmd << ": seccomp not named: " << r.describe();
        EXPECT_NE(r.err.find(plugin_dir), std::string::npos) << cmd << ": searched dirs not named: " << r.describe();
        EXPECT_EQ(it::leftovers(runner, id, bundle), kNothing) << cmd;
    }
}

TEST(PluginsCli, DisabledSeccompPluginFailsWithTheDisabledMessage) {
    if (!built(kSeccompFile)) GTEST_SKIP() << "needs " << kSeccompFile << " in " << kPluginDir;
    it::TempDir conf_dir("ocirun-it-conf");
    const fs::path conf = conf_dir.path() / "ocirun.json";
    write_text(conf, R"({"disabledPlugins": ["seccomp"]})");
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"true"});
    set_seccomp(bundle, true);
    const auto id = it::unique_id("pl-disabled");
    for (const std::string cmd : {"create", "run"}) {
        auto r = ocirun({cmd, "--bundle", bundle.path(), id}, {.env = {{"OCIRUN_CONFIG", conf.string()}}});
        EXPECT_NE(r.exit_code, 0) << cmd << ": " << r.describe();
        EXPECT_NE(r.err.find("seccomp"), std::string::npos) << cmd << ": " << r.describe();
        EXPECT_NE(r.err.find("disabled"), std::string::npos) << cmd << ": " << r.describe();
        EXPECT_NE(r.err.find(conf.string()), std::string::npos) << cmd << ": config file not named: " << r.describe();
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing) << cmd;
    }
    // Without linux.seccomp the disabled plugin is never needed.
    set_seccomp(bundle, false);
    auto r = ocirun({"run", "--bundle", bundle.path(), id}, {.env = {{"OCIRUN_CONFIG", conf.string()}}});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), kNothing);
}

// ---------------------------------------------------------------- version and help
TEST(PluginsCli, VersionHasRuncsThreeLineShape) {
    auto r = ocirun_plain({"--version"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(ocirun version \d+\.\d+\.\d+\S*)"))) << lines[0];
    EXPECT_TRUE(std::regex_match(lines[1], std::regex(R"(commit: \S+)"))) << lines[1];
    EXPECT_TRUE(std::regex_match(lines[2], std::regex(R"(spec: 1\.\d+\.\d+\S*)"))) << lines[2];
    if (it::runc_available()) {  // the oracle's first three lines have the same shape
        const auto theirs = lines_of(it::run_command({"runc", "--version"}).out);
        ASSERT_GE(theirs.size(), 3u);
        EXPECT_TRUE(std::regex_match(theirs[0], std::regex(R"(runc version \d+\.\d+\.\d+\S*)"))) << theirs[0];
        EXPECT_TRUE(std::regex_match(theirs[1], std::regex(R"(commit: \S+)"))) << theirs[1];
        EXPECT_TRUE(std::regex_match(theirs[2], std::regex(R"(spec: 1\.\d+\.\d+\S*)"))) << theirs[2];
    }
    auto v = ocirun_plain({"-v"});
    EXPECT_EQ(v.exit_code, 0) << v.describe();
    EXPECT_EQ(v.out, r.out);
}

TEST(PluginsCli, HelpExitsZeroForTheRuntimeAndEveryCommand) {
    auto r = ocirun_plain({"--help"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_FALSE(r.out.empty());
    // Every runc command, plus ocirun's own `plugins`; and whatever else --help lists.
    std::set<std::string> commands = {"checkpoint", "create", "delete", "events", "exec",  "features",
                                      "kill",       "list",   "pause",  "ps",     "restore", "resume",
                                      "run",        "spec",   "start",  "state",  "update", "plugins"};
    bool in_commands = false;
    for (const auto& line : lines_of(r.out)) {
        if (line.find("ommands:") != std::string::npos) {
            in_commands = true;
            continue;
        }
        if (in_commands && !line.empty() && line.rfind("  ", 0) == 0) {
            const auto w = words(line);
            if (!w.empty() && std::regex_match(w[0], std::regex("[a-z]+"))) commands.insert(w[0]);
        } else if (in_commands && !line.empty()) {
            in_commands = false;
        }
    }
    for (const auto& cmd : commands) {
        EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd << " is not in ocirun --help";
        for (const std::string flag : {"--help", "-h"}) {
            auto h = ocirun_plain({cmd, flag});
            EXPECT_EQ(h.exit_code, 0) << "ocirun " << cmd << " " << flag << ": " << h.describe();
            EXPECT_NE(h.out.find(cmd), std::string::npos) << "ocirun " << cmd << " " << flag << ": " << h.describe();
        }
    }
}
