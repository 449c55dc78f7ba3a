// The plugin loader (core/plugin): config file, search order, laziness, and a clear error for
// every way a plugin file can be wrong. Fixtures come from tests/plugin_fixtures.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "container/lsm_choice.hpp"
#include "ocirun/error.hpp"
#include "plugin/registry.hpp"

namespace fs = std::filesystem;
using ocirun::PluginRegistry;
using ocirun::RuntimeConfig;
using ocirun::plugin::Kind;

namespace {

fs::path fixture_dir(const std::string& name) { return fs::path(OCIRUN_TEST_FIXTURE_PLUGIN_DIR) / name; }

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

// The message of the ocirun::Error `f` throws; fails the test when it throws nothing.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const ocirun::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an ocirun::Error";
    return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string host_cgroup_driver() {
    struct statfs fs {};
    if (::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return "cgroups-v2";
    return "cgroups-v1";
}

class PluginLoaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ocirun-plugin-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        tmp_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(tmp_, ec);
    }

    // A registry searching only `config_dir` and `defaults` (OCIRUN_PLUGIN_PATH is unset).
    static RuntimeConfig config_with_dir(const fs::path& dir) {
        RuntimeConfig c;
        c.plugin_dir = dir.string();
        return c;
    }

    fs::path write_config(const std::string& text) {
        const fs::path p = tmp_ / "ocirun.json";
        std::ofstream(p) << text;
        return p;
    }

    ScopedEnv no_plugin_path_{"OCIRUN_PLUGIN_PATH", std::nullopt};
    fs::path tmp_;
};

// ---------------------------------------------------------------- config file

TEST_F(PluginLoaderTest, ConfigParsesAllKeys) {
    const auto c = RuntimeConfig::parse(
        R"({"pluginDir": "/opt/p", "disabledPlugins": ["criu", "selinux"], "cgroupDriver": "cgroups-v2"})",
        "/etc/ocirun/ocirun.json");
    EXPECT_EQ(c.plugin_dir, "/opt/p");
    EXPECT_EQ(c.disabled, (std::vector<std::string>{"criu", "selinux"}));
    EXPECT_EQ(c.cgroup_driver, "cgroups-v2");
    EXPECT_EQ(c.source, "/etc/ocirun/ocirun.json");
}

TEST_F(PluginLoaderTest, ConfigUnknownKeyNamesFileAndKey) {
    const auto msg = error_of([] { RuntimeConfig::parse(R"({"pluginsDir": "/x"})", "/etc/ocirun/ocirun.json"); });
    EXPECT_NE(msg.find("/etc/ocirun/ocirun.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown key \"pluginsDir\""), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, ConfigMalformedJsonNamesFile) {
    const auto path = write_config("{\"pluginDir\": ");
    const auto msg = error_of([&] { RuntimeConfig::load_file(path); });
    EXPECT_NE(msg.find(path.string() + ": invalid JSON"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, ConfigWrongTypesNameTheKey) {
    auto msg = error_of([] { RuntimeConfig::parse(R"({"disabledPlugins": "criu"})", "/c.json"); });
    EXPECT_NE(msg.find("/c.json: \"disabledPlugins\""), std::string::npos) << msg;
    msg = error_of([] { RuntimeConfig::parse(R"({"disabledPlugins": ["a", 3]})", "/c.json"); });
    EXPECT_NE(msg.find("disabledPlugins[1]"), std::string::npos) << msg;
    msg = error_of([] { RuntimeConfig::parse(R"({"pluginDir": "relative/dir"})", "/c.json"); });
    EXPECT_NE(msg.find("\"pluginDir\" must be an absolute path"), std::string::npos) << msg;
    msg = error_of([] { RuntimeConfig::parse(R"([1])", "/c.json"); });
    EXPECT_NE(msg.find("/c.json"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, ConfigMissingFileGivesDefaults) {
    const auto c = RuntimeConfig::load_file(tmp_ / "absent.json");
    EXPECT_TRUE(c.plugin_dir.empty());
    EXPECT_TRUE(c.disabled.empty());
    EXPECT_TRUE(c.cgroup_driver.empty());
}

TEST_F(PluginLoaderTest, ConfigLoadReadsOcirunConfigEnv) {
    const auto path = write_config(R"({"cgroupDriver": "cgroups-v2"})");
    ScopedEnv env("OCIRUN_CONFIG", path.string());
    EXPECT_EQ(RuntimeConfig::default_path(), path);
    const auto c = RuntimeConfig::load();
    EXPECT_EQ(c.cgroup_driver, "cgroups-v2");
    EXPECT_EQ(c.source, path);
}

// ---------------------------------------------------------------- search order

TEST_F(PluginLoaderTest, EnvBeatsConfigBeatsDefault) {
    {
        ScopedEnv env("OCIRUN_PLUGIN_PATH", fixture_dir("alt").string());
        PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {fixture_dir("good")});
        EXPECT_EQ(reg.lsm("fixture-lsm").info().version, "alt");
        EXPECT_EQ(reg.search_dirs(), (std::vector<fs::path>{fixture_dir("alt"), fixture_dir("good")}));
    }
    {
        PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {fixture_dir("alt")});
        EXPECT_EQ(reg.lsm("fixture-lsm").info().version, "good");
    }
    {
        PluginRegistry reg(RuntimeConfig{}, {}, {fixture_dir("alt")});
        EXPECT_EQ(reg.lsm("fixture-lsm").info().version, "alt");
    }
}

TEST_F(PluginLoaderTest, PluginPathIsColonSeparatedInOrder) {
    const std::string missing = (tmp_ / "missing").string();
    ScopedEnv env("OCIRUN_PLUGIN_PATH", missing + "::" + fixture_dir("good").string() + ":" + fixture_dir("alt").string());
    PluginRegistry reg(RuntimeConfig{}, {}, {});
    EXPECT_EQ(reg.search_dirs(), (std::vector<fs::path>{missing, fixture_dir("good"), fixture_dir("alt")}));
    EXPECT_EQ(reg.lsm("fixture-lsm").info().version, "good");
}

TEST_F(PluginLoaderTest, DefaultDirsAreBinaryRelativeThenInstallDir) {
    PluginRegistry reg(RuntimeConfig{}, {});
    const auto& dirs = reg.search_dirs();
    ASSERT_EQ(dirs.size(), 2u);
    const fs::path exe_dir = fs::read_symlink("/proc/self/exe").parent_path();
    EXPECT_EQ(dirs[0], (exe_dir / "../lib/ocirun/plugins").lexically_normal());
    EXPECT_TRUE(dirs[1].is_absolute());
    EXPECT_EQ(dirs[1].filename(), "plugins");
}

TEST_F(PluginLoaderTest, MissingKindNamesWhoNeededItAndEveryDirSearched) {
    const fs::path d1 = tmp_ / "d1", d2 = fixture_dir("alt");
    fs::create_directory(d1);
    PluginRegistry reg(config_with_dir(d1), {}, {d2});
    EXPECT_EQ(error_of([&] { reg.syscall_filter("linux.seccomp"); }),
              "no syscall-filter plugin found (needed by linux.seccomp); searched: " + d1.string() + ", " +
                  d2.string());
    const auto msg = error_of([&] { reg.lsm("apparmor", "process.apparmorProfile"); });
    EXPECT_NE(msg.find("no lsm plugin \"apparmor\" (lsm.apparmor.so) found (needed by process.apparmorProfile); "
                       "searched: " + d1.string()),
              std::string::npos)
        << msg;
    EXPECT_TRUE(reg.loaded_names().empty());
}

TEST_F(PluginLoaderTest, DisabledPluginIsRefusedNamingTheConfigFile) {
    RuntimeConfig c = config_with_dir(fixture_dir("good"));
    c.disabled = {"fixture-lsm", "fixture-filter"};
    c.source = "/etc/ocirun/ocirun.json";
    PluginRegistry reg(c, {}, {});
    EXPECT_EQ(error_of([&] { reg.lsm("fixture-lsm"); }), "plugin \"fixture-lsm\" is disabled by /etc/ocirun/ocirun.json");
    EXPECT_EQ(error_of([&] { reg.syscall_filter("linux.seccomp"); }),
              "plugin \"fixture-filter\" is disabled by /etc/ocirun/ocirun.json");
    EXPECT_TRUE(reg.loaded_names().empty());
    EXPECT_EQ(reg.checkpointer().info().name, "fixture-checkpointer");  // not disabled
}

TEST_F(PluginLoaderTest, CgroupDriverFollowsHostUnlessConfigOverrides) {
    const std::string automatic = host_cgroup_driver();
    const std::string other = automatic == "cgroups-v1" ? "cgroups-v2" : "cgroups-v1";
    {
        PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {});
        EXPECT_EQ(reg.cgroup_driver_name(), automatic);
        EXPECT_EQ(reg.cgroup_driver().info().name, automatic);
    }
    {
        RuntimeConfig c = config_with_dir(fixture_dir("good"));
        c.cgroup_driver = other;
        PluginRegistry reg(c, {}, {});
        EXPECT_EQ(reg.cgroup_driver().info().name, other);
        EXPECT_EQ(reg.loaded_names(), (std::vector<std::string>{other}));
    }
    {
        RuntimeConfig c = config_with_dir(fixture_dir("good"));
        c.cgroup_driver = "systemd";
        PluginRegistry reg(c, {}, {});
        const auto msg = error_of([&] { reg.cgroup_driver("create"); });
        EXPECT_NE(msg.find("no cgroup-driver plugin \"systemd\""), std::string::npos) << msg;
        EXPECT_EQ(reg.cgroup_driver_if_available(), nullptr);
    }
}

// "cgroupDriver": "none" is the explicit way to run without cgroups: no driver is loaded, and
// asking for one says why there is none.
TEST_F(PluginLoaderTest, CgroupDriverNoneMeansNoDriver) {
    RuntimeConfig c = config_with_dir(fixture_dir("good"));
    c.cgroup_driver = "none";
    EXPECT_TRUE(c.runs_without_cgroups());
    PluginRegistry reg(c, {}, {});
    EXPECT_EQ(reg.cgroup_driver_if_available(), nullptr);
    const auto msg = error_of([&] { reg.cgroup_driver("create"); });
    EXPECT_NE(msg.find("\"cgroupDriver\": \"none\""), std::string::npos) << msg;
    EXPECT_TRUE(reg.loaded_names().empty());
}

TEST_F(PluginLoaderTest, LoadingIsLazy) {
    PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {});
    EXPECT_EQ(reg.discovered().size(), 5u);
    EXPECT_TRUE(reg.loaded_names().empty()) << "discovery must not dlopen anything";

    auto& driver = reg.cgroup_driver();
    EXPECT_EQ(reg.loaded_names(), (std::vector<std::string>{host_cgroup_driver()}));
    EXPECT_FALSE(contains(reg.loaded_names(), "fixture-filter"));

    EXPECT_EQ(&reg.cgroup_driver(), &driver) << "a plugin is loaded once";
    EXPECT_EQ(reg.loaded_names().size(), 1u);

    EXPECT_EQ(reg.syscall_filter().info().name, "fixture-filter");
    EXPECT_TRUE(contains(reg.loaded_names(), "fixture-filter"));
    EXPECT_FALSE(contains(reg.loaded_names(), "fixture-checkpointer"));
}

TEST_F(PluginLoaderTest, FixtureOperationsThrowNotImplemented) {
    PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {});
    EXPECT_THROW(reg.lsm("fixture-lsm").set_exec_label("process.apparmorProfile", "x"), ocirun::NotImplemented);
    EXPECT_EQ(reg.lsm("fixture-lsm").features_json(), R"({"enabled":false})");
}

// The core asks for a field, never a name: a third-party lsm plugin (the fixture claims
// process.apparmorProfile) is chosen exactly like the shipped ones.
TEST_F(PluginLoaderTest, LsmIsChosenByTheFieldItServesNotByName) {
    PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {});
    EXPECT_EQ(reg.lsm_for("process.apparmorProfile").info().name, "fixture-lsm");
    EXPECT_TRUE(contains(reg.loaded_names(), "fixture-lsm"));
    const auto msg = error_of([&] { reg.lsm_for("process.selinuxLabel"); });
    EXPECT_EQ(msg.rfind("process.selinuxLabel: no lsm plugin found that applies it; searched: " +
                            fixture_dir("good").string(), 0),
              0u)
        << msg;
}

// restore --lsm-profile TYPE:NAME: NAME goes to the plugin lsm_for chooses for the field TYPE
// names (here the third-party fixture, which serves process.apparmorProfile), whose refusal
// (NotImplemented) names the flag; the flag's format is checked first.
TEST_F(PluginLoaderTest, RestoreLsmFlagsAreValidatedByThePluginServingTheField) {
    PluginRegistry reg(config_with_dir(fixture_dir("good")), {}, {});
    using ocirun::container::check_restore_lsm_flags;
    EXPECT_EQ(error_of([&] { check_restore_lsm_flags(reg, "apparmor:p1", ""); }),
              "restore: --lsm-profile apparmor:p1: fixture lsm: validate is not implemented");
    EXPECT_EQ(error_of([&] { check_restore_lsm_flags(reg, "tomoyo:p1", ""); }),
              "restore: --lsm-profile tomoyo:p1: unknown LSM type \"tomoyo\" (apparmor, selinux or none)");
    EXPECT_EQ(error_of([&] { check_restore_lsm_flags(reg, "p1", ""); }),
              "restore: --lsm-profile p1: not TYPE:NAME (apparmor:PROFILE, selinux:LABEL)");
    EXPECT_NO_THROW(check_restore_lsm_flags(reg, "none:", ""));
    const auto msg = error_of([&] { check_restore_lsm_flags(reg, "selinux:l", ""); });
    EXPECT_EQ(msg.rfind("restore: --lsm-profile selinux:l: no lsm plugin found that applies it; searched: ", 0), 0u) << msg;
    const auto mount = error_of([&] { check_restore_lsm_flags(reg, "", "system_u:object_r:tmp_t:s0"); });
    EXPECT_EQ(mount.rfind("restore: --lsm-mount-context system_u:object_r:tmp_t:s0: no lsm plugin found that applies it; "
                          "searched: ",
                          0),
              0u)
        << mount;
}

// ---------------------------------------------------------------- broken plugins

// Loading lsm `name` from fixture dir `dir_case` fails; returns the message.
std::string broken_load_error(const std::string& dir_case, const std::string& name) {
    PluginRegistry reg(RuntimeConfig{}, {}, {fixture_dir(dir_case)});
    auto msg = error_of([&] { reg.lsm(name); });
    EXPECT_TRUE(reg.loaded_names().empty()) << "a plugin that failed to load is not listed as loaded";
    return msg;
}

TEST_F(PluginLoaderTest, WrongAbiIsRefusedBeforeAnyPluginCode) {
    // The fixture's factory aborts: reaching it would end this test binary.
    const auto path = fixture_dir("wrong-abi") / "lsm.wrong-abi.so";
    const auto msg = broken_load_error("wrong-abi", "wrong-abi");
    EXPECT_NE(msg.find("plugin " + path.string() + ": built for plugin ABI " +
                       std::to_string(OCIRUN_PLUGIN_ABI_VERSION + 1000) + ", this ocirun needs ABI " +
                       std::to_string(OCIRUN_PLUGIN_ABI_VERSION)),
              std::string::npos)
        << msg;
}

TEST_F(PluginLoaderTest, LegacyAbiNumberIsRefusedNamingIt) {
    const auto msg = broken_load_error("legacy-abi", "legacy-abi");
    EXPECT_NE(msg.find("built for plugin ABI 8, this ocirun needs ABI " + std::to_string(OCIRUN_PLUGIN_ABI_VERSION)),
              std::string::npos)
        << msg;
}

// The other assumptions of the descriptor, one fixture each (tests/plugin_fixtures/broken_wrong_abi.cpp):
// every one is refused from the file, before the (aborting) factory could run.
TEST_F(PluginLoaderTest, OtherCxxLibraryIsRefusedNamingBoth) {
    const auto msg = broken_load_error("wrong-cxx-library", "wrong-cxx-library");
    EXPECT_NE(msg.find(": built against libc++ 16 (_LIBCPP_VERSION 16000), compiled by clang 16; ocirun needs "
                       "libstdc++ of GCC " + std::to_string(_GLIBCXX_RELEASE) + " (cxx11 ABI"),
              std::string::npos)
        << msg;
}

TEST_F(PluginLoaderTest, OtherStringAbiIsRefused) {
    const auto msg = broken_load_error("wrong-string-abi", "wrong-string-abi");
    EXPECT_NE(msg.find("pre-cxx11 ABI: copy-on-write std::string"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ocirun needs libstdc++ of GCC"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, OtherLayoutOfTheSameAbiIsRefused) {
    const auto msg = broken_load_error("wrong-layout", "wrong-layout");
    EXPECT_NE(msg.find("the SDK types it was built with are laid out differently from ocirun's (layout hash "),
              std::string::npos)
        << msg;
}

TEST_F(PluginLoaderTest, MissingAbiSymbolIsRefused) {
    const auto msg = broken_load_error("no-abi", "no-abi");
    EXPECT_NE(msg.find((fixture_dir("no-abi") / "lsm.no-abi.so").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("does not export ocirun_plugin_descriptor"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, MissingFactoryIsRefused) {
    const auto msg = broken_load_error("no-factory", "no-factory");
    EXPECT_NE(msg.find((fixture_dir("no-factory") / "lsm.no-factory.so").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("does not export the factory ocirun_plugin_create"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, NameNotMatchingFileNameIsRefused) {
    const auto msg = broken_load_error("misnamed", "misnamed");
    EXPECT_NE(msg.find("reports itself as lsm \"someone-else\" but its file name says lsm \"misnamed\""),
              std::string::npos)
        << msg;
}

TEST_F(PluginLoaderTest, KindNotMatchingFileNameIsRefused) {
    const auto msg = broken_load_error("wrong-kind", "wrong-kind");
    EXPECT_NE(msg.find("reports itself as cgroup-driver \"wrong-kind\" but its file name says lsm \"wrong-kind\""),
              std::string::npos)
        << msg;
}

TEST_F(PluginLoaderTest, NonElfFileGivesPathAndDlerror) {
    const auto path = fixture_dir("not-elf") / "lsm.not-elf.so";
    const auto msg = broken_load_error("not-elf", "not-elf");
    EXPECT_NE(msg.find("plugin " + path.string() + ": cannot be loaded: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("invalid ELF header"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, UndefinedSymbolGivesDlerror) {
    const auto msg = broken_load_error("undefined-symbol", "undefined-symbol");
    EXPECT_NE(msg.find("cannot be loaded: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("undefined symbol: ocirun_fixture_function_nobody_defines"), std::string::npos) << msg;
}

TEST_F(PluginLoaderTest, InspectAllReportsEachPluginsStatus) {
    ScopedEnv env("OCIRUN_PLUGIN_PATH", fixture_dir("wrong-abi").string() + ":" + fixture_dir("not-elf").string());
    RuntimeConfig c = config_with_dir(fixture_dir("good"));
    c.disabled = {"fixture-filter"};
    PluginRegistry reg(c, {}, {});

    for (const auto& e : reg.discovered()) EXPECT_EQ(e.status, "available") << e.name;
    EXPECT_TRUE(reg.loaded_names().empty());

    std::map<std::string, ocirun::PluginEntry> by_name;
    for (auto& e : reg.inspect_all()) by_name[e.name] = e;
    ASSERT_EQ(by_name.size(), 7u);
    EXPECT_EQ(by_name["fixture-lsm"].status, "loaded");
    EXPECT_EQ(by_name["fixture-lsm"].version, "good");
    EXPECT_EQ(by_name["fixture-lsm"].kind, Kind::Lsm);
    EXPECT_EQ(by_name["fixture-lsm"].path, fixture_dir("good") / "lsm.fixture-lsm.so");
    EXPECT_EQ(by_name["fixture-lsm"].unavailable_reason, "");
    EXPECT_EQ(by_name["fixture-filter"].status, "disabled");
    EXPECT_EQ(by_name["fixture-checkpointer"].status, "loaded");
    EXPECT_EQ(by_name["fixture-checkpointer"].unavailable_reason, "fixture checkpointer never works");
    EXPECT_EQ(by_name["wrong-abi"].status.rfind("error: ", 0), 0u) << by_name["wrong-abi"].status;
    EXPECT_NE(by_name["wrong-abi"].status.find("built for plugin ABI " + std::to_string(OCIRUN_PLUGIN_ABI_VERSION + 1000)), std::string::npos);
    EXPECT_NE(by_name["not-elf"].status.find("invalid ELF header"), std::string::npos);
    EXPECT_FALSE(contains(reg.loaded_names(), "fixture-filter"));
    EXPECT_FALSE(contains(reg.loaded_names(), "wrong-abi"));
}

// ---------------------------------------------------------------- the real plugins

class RealPluginTest : public PluginLoaderTest {
protected:
    // The registry over the build's plugin dir; skips when `file` was not built.
    std::unique_ptr<PluginRegistry> registry_with(const std::string& file) {
        if (!fs::exists(fs::path(OCIRUN_TEST_PLUGIN_DIR) / file)) return nullptr;
        return std::make_unique<PluginRegistry>(config_with_dir(OCIRUN_TEST_PLUGIN_DIR), ocirun::plugin::HostContext{},
                                                std::vector<fs::path>{});
    }
};

bool file_says_yes(const char* path) {
    std::ifstream in(path);
    std::string s;
    return in >> s && (s == "Y" || s == "1");
}

TEST_F(RealPluginTest, EveryBuiltPluginLoads) {
    PluginRegistry reg(config_with_dir(OCIRUN_TEST_PLUGIN_DIR), {}, {});
    const auto all = reg.inspect_all();
    if (all.empty()) GTEST_SKIP() << "no plugins built in " << OCIRUN_TEST_PLUGIN_DIR;
    for (const auto& e : all) {
        EXPECT_EQ(e.status, "loaded") << e.path;
        EXPECT_FALSE(e.version.empty()) << e.path;
        EXPECT_FALSE(e.description.empty()) << e.path;
    }
}

// The message of the ocirun::Error `f` throws ("" when it throws none).
template <class F>
std::string refusal_of(F f) {
    try {
        f();
    } catch (const ocirun::Error& e) {
        return e.what();
    }
    return {};
}

TEST_F(RealPluginTest, ApparmorReportsHostAndServesItsField) {
    auto reg = registry_with("lsm.apparmor.so");
    if (!reg) GTEST_SKIP() << "lsm.apparmor.so not built (OCIRUN_PLUGIN_APPARMOR=OFF?)";
    auto& aa = reg->lsm("apparmor");
    EXPECT_EQ(aa.info().name, "apparmor");
    EXPECT_EQ(aa.fields(), std::vector<std::string>{"process.apparmorProfile"});
    EXPECT_EQ(&reg->lsm_for("process.apparmorProfile"), &aa);
    const bool enabled = file_says_yes("/sys/module/apparmor/parameters/enabled") &&
                         fs::exists("/sys/kernel/security/apparmor");
    const std::string reason = aa.unavailable_reason({});
    EXPECT_EQ(reason.empty(), enabled) << reason;
    EXPECT_EQ(aa.features_json(), enabled ? R"({"linux":{"apparmor":{"enabled":true}}})"
                                          : R"({"linux":{"apparmor":{"enabled":false}}})");
    EXPECT_EQ(aa.mount_label_option("x"), "");
    const std::string refused = refusal_of([&] { aa.validate("process.apparmorProfile", "some-profile"); });
    if (!enabled) {
        EXPECT_EQ(refused, "process.apparmorProfile: unable to apply apparmor profile \"some-profile\": " + reason);
    } else {
        EXPECT_NE(refused.find("is not loaded"), std::string::npos) << refused;
    }
}

TEST_F(RealPluginTest, SelinuxReportsHostAndServesItsFields) {
    auto reg = registry_with("lsm.selinux.so");
    if (!reg) GTEST_SKIP() << "lsm.selinux.so not built (OCIRUN_PLUGIN_SELINUX=OFF?)";
    auto& se = reg->lsm("selinux");
    EXPECT_EQ(se.info().name, "selinux");
    EXPECT_EQ(se.fields(), (std::vector<std::string>{"process.selinuxLabel", "linux.mountLabel"}));
    EXPECT_EQ(&reg->lsm_for("linux.mountLabel"), &se);
    const bool enabled = fs::exists("/sys/fs/selinux/enforce");
    const std::string reason = se.unavailable_reason({});
    EXPECT_EQ(reason.empty(), enabled) << reason;
    EXPECT_EQ(se.features_json(), enabled ? R"({"linux":{"selinux":{"enabled":true}}})"
                                          : R"({"linux":{"selinux":{"enabled":false}}})");
    EXPECT_EQ(se.mount_label_option("system_u:object_r:tmp_t:s0:c1,c2"), R"(context="system_u:object_r:tmp_t:s0:c1,c2")");
    if (!enabled) {
        EXPECT_EQ(refusal_of([&] { se.validate("process.selinuxLabel", "system_u:system_r:initrc_t:s0"); }),
                  "process.selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported");
    }
    EXPECT_NE(refusal_of([&] { se.validate("process.selinuxLabel", "a\"b"); }), "");
}

TEST_F(RealPluginTest, CriuReportsBinaryAndCriuCheck) {
    auto reg = registry_with("checkpointer.criu.so");
    if (!reg) GTEST_SKIP() << "checkpointer.criu.so not built (OCIRUN_PLUGIN_CRIU=OFF?)";
    auto& criu = reg->checkpointer("checkpoint");
    EXPECT_EQ(criu.info().name, "criu");
    {
        ScopedEnv path("PATH", tmp_.string());  // an empty dir: no criu on PATH
        EXPECT_EQ(criu.unavailable_reason({}), "criu binary not found on PATH");
        EXPECT_EQ(criu.features_json(), R"({"criuBinary":null,"usable":false,"unusableReason":"criu binary not found on PATH"})");
    }
    const fs::path fake = tmp_ / "criu";
    {
        // A criu whose `criu check` fails: unavailable, with its first error line.
        std::ofstream(fake) << "#!/bin/sh\necho 'Error (criu/kerndat.c:1): no kernel support'\nexit 1\n";
        fs::permissions(fake, fs::perms::owner_all);
        ScopedEnv path("PATH", tmp_.string());
        EXPECT_EQ(criu.unavailable_reason({}), "criu check failed: Error (criu/kerndat.c:1): no kernel support");
        EXPECT_EQ(criu.features_json(), R"({"criuBinary":")" + fake.string() +
                                            R"(","usable":false,"unusableReason":"criu check failed: Error (criu/kerndat.c:1): no kernel support"})");
    }
    {
        std::ofstream(fake) << "#!/bin/sh\nexit 0\n";
        ScopedEnv path("PATH", tmp_.string());
        EXPECT_EQ(criu.unavailable_reason({}), "");
        EXPECT_EQ(criu.features_json(), R"({"criuBinary":")" + fake.string() + R"(","usable":true})");
    }
    ocirun::plugin::CheckpointRequest req;
    req.container_id = "c1";
    req.init_pid = 1;
    auto msg = error_of([&] { criu.checkpoint(req); });
    EXPECT_NE(msg.find("--image-path"), std::string::npos) << msg;
    req.image_path = (tmp_ / "img").string();
    const ocirun::spec::Spec config;
    req.config = &config;
    fs::remove(fake);
    {
        ScopedEnv path("PATH", tmp_.string());
        msg = error_of([&] { criu.checkpoint(req); });
        EXPECT_NE(msg.find("criu binary not found on PATH"), std::string::npos) << msg;
        ocirun::plugin::RestoreRequest restore;
        restore.image_path = req.image_path;
        restore.config = &config;
        msg = error_of([&] { criu.restore(restore); });
        EXPECT_NE(msg.find("criu binary not found on PATH"), std::string::npos) << msg;
    }
}

TEST_F(RealPluginTest, CriuSurvivesBeingLoadedByTwoRegistries) {
    // Its generated protobuf code registers itself process-wide; a reload must not abort.
    for (int i = 0; i < 2; ++i) {
        auto reg = registry_with("checkpointer.criu.so");
        if (!reg) GTEST_SKIP() << "checkpointer.criu.so not built (OCIRUN_PLUGIN_CRIU=OFF?)";
        EXPECT_EQ(reg->checkpointer().info().name, "criu");
    }
}

}  // namespace
