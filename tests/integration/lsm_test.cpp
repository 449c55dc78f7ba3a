// LSM fields (process.apparmorProfile, process.selinuxLabel, linux.mountLabel; exec --apparmor,
// --process-label), differential against runc where runc has an answer.
//
// Three groups:
// - LsmHost: a host whose kernel runs neither LSM (this development machine): the fields are
//   refused before anything is created, naming the field; bundles without them load no lsm plugin.
// - AppArmorGuest: only in a kernel running AppArmor (`tests/vm/run-in-vm.sh --lsm apparmor`,
//   ctest vm.apparmor-suite); skipped elsewhere with the reason.
// - SelinuxGuest: only with SELinux enabled and a policy loaded (`--lsm selinux`,
//   vm.selinux-suite; Debian's refpolicy "default", permissive).
// Under TCG every process start is slow: each test starts as few containers as it can.
#include <gtest/gtest.h>
#include <sys/xattr.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace it = ocirun::it;
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto kSlow = 180s;  // a container start in the TCG guest, ASan build

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
json::object& process_of(it::Bundle& b) { return b.config().at("process").as_object(); }
json::object& linux_of(it::Bundle& b) { return b.config().at("linux").as_object(); }

bool apparmor_enabled() {
    std::ifstream in("/sys/module/apparmor/parameters/enabled");
    std::string v;
    in >> v;
    return v == "Y" && fs::exists("/sys/kernel/security/apparmor/profiles");
}
bool selinux_enabled() { return fs::exists("/sys/fs/selinux/enforce"); }

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0' || s.back() == ' ')) s.pop_back();
    return s;
}

// In the test VM the runtime runs in /init.scope, which holds processes: container cgroups go
// below the delegated $OCIRUN_VM_TEST_CGROUP instead (tests/vm/README.md).
void place_cgroup(it::Bundle& bundle, const std::string& id) {
    if (const char* test_cgroup = std::getenv("OCIRUN_VM_TEST_CGROUP"))
        linux_of(bundle)["cgroupsPath"] = "/" + fs::path(test_cgroup).filename().string() + "/" + id;
}

it::CommandResult run_bundle(const it::Runner& rt, it::Bundle& bundle, const std::string& prefix) {
    const std::string id = it::unique_id(prefix);
    place_cgroup(bundle, id);
    bundle.save();
    return rt({"run", "--bundle", bundle.path().string(), id}, {.timeout = kSlow});
}


// Runs the bundle (which must fail) and checks that nothing is left of it.
it::CommandResult refused_without_leftovers(const it::Runner& rt, it::Bundle& bundle, const std::string& prefix) {
    const std::string id = it::unique_id(prefix);
    place_cgroup(bundle, id);
    bundle.save();
    auto r = rt({"run", "--bundle", bundle.path().string(), id}, {.timeout = kSlow});
    EXPECT_NE(r.exit_code, 0) << rt.name() << ": " << r.describe();
    EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << rt.name();
    return r;
}

// A detached `sleep 1000` container, force-deleted (and checked for leftovers) at scope exit.
class Sleeper {
public:
    Sleeper(const it::Runner& rt, const std::string& prefix, const std::function<void(it::Bundle&)>& tweak)
        : rt_(rt), id_(it::unique_id(prefix)) {
        bundle_.set_args({"sleep", "1000"});
        if (tweak) tweak(bundle_);
        place_cgroup(bundle_, id_);
        bundle_.save();
        result_ = rt_({"run", "--detach", "--bundle", bundle_.path().string(), id_}, {.timeout = kSlow});
    }
    ~Sleeper() {
        rt_({"delete", "--force", id_}, {.timeout = kSlow});
        EXPECT_EQ(it::leftovers(rt_, id_, bundle_), std::vector<std::string>{}) << rt_.name() << " " << id_;
    }
    bool started() const { return result_.exit_code == 0; }
    std::string describe() const { return rt_.name() + ": " + result_.describe(); }
    long pid() const { return static_cast<long>(rt_.state(id_).at("pid").as_int64()); }
    fs::path proc() const { return "/proc/" + std::to_string(pid()); }
    // `exec FLAGS... ID COMMAND...`
    it::CommandResult exec(std::vector<std::string> flags, const std::vector<std::string>& command) const {
        flags.insert(flags.begin(), "exec");
        flags.push_back(id_);
        flags.insert(flags.end(), command.begin(), command.end());
        return rt_(flags, {.timeout = kSlow});
    }

private:
    const it::Runner& rt_;
    it::Bundle bundle_;
    std::string id_;
    it::CommandResult result_;
};

// `ocirun features` says linux.<lsm>.enabled: true and `ocirun plugins` lists the plugin
// as available on this host.
void expect_features_and_plugins_say_usable(const std::string& lsm) {
    it::Runner ocirun = it::Runner::ocirun();
    auto f = ocirun({"features"}, {.timeout = kSlow});
    ASSERT_EQ(f.exit_code, 0) << f.describe();
    const json::value features = json::parse(f.out);
    EXPECT_EQ(features.at("linux").at(lsm).at("enabled"), true) << f.out;
    auto p = ocirun({"plugins", "--format", "json"}, {.timeout = kSlow});
    ASSERT_EQ(p.exit_code, 0) << p.describe();
    bool listed = false;
    const json::value plugins = json::parse(p.out);
    for (const auto& e : plugins.as_array()) {
        if (e.at("name") != lsm.c_str()) continue;
        listed = true;
        EXPECT_EQ(e.at("host"), "available") << e;
    }
    EXPECT_TRUE(listed) << p.out;
}

// The label is set where runc sets it, before the syscall filter: a profile that refuses
// open/openat (which the /proc/self/attr write needs) still lets a labelled `true` run, without
// noNewPrivileges (the filter then comes first, before the user switch). ocirun only: runc 1.1
// opens its exec fifo after the filter, so no runc `run` survives this profile.
void expect_label_set_before_the_filter(const std::function<void(it::Bundle&)>& label) {
    it::Bundle bundle;
    bundle.set_args({"true"});
    process_of(bundle)["noNewPrivileges"] = false;
    label(bundle);
    linux_of(bundle)["seccomp"] = json::object{
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", json::array{json::object{{"names", json::array{"open", "openat", "openat2"}},
                                              {"action", "SCMP_ACT_ERRNO"}}}}};
    it::Runner ocirun = it::Runner::ocirun();
    auto r = run_bundle(ocirun, bundle, "lsm-filter");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
}

// "" when CRIU can checkpoint here (`criu check`), else why not.
std::string criu_unusable() {
    auto r = it::run_command({"sh", "-c", "command -v criu >/dev/null || { echo criu not installed; exit 1; }; criu check 2>&1"},
                             {.timeout = kSlow});
    if (r.exit_code == 0) return {};
    return "CRIU cannot checkpoint in this kernel: " + r.out.substr(0, r.out.find('\n'));
}

std::string init_proc(const it::Runner& rt, const std::string& id) {
    return "/proc/" + std::to_string(rt.state(id).at("pid").as_int64());
}

// Runs `sleep` from `bundle` under `rt`, checkpoints it, and restores it twice from the same
// images: with `restore_flags`, then without. Returns what `read` (given the init's /proc dir)
// sees each time: {"before=...", "flags=...", "plain=..."}; fewer when a step failed (the
// failure is reported). When `flags_refused_with` is given, the restore with the flags must fail
// with that text in its error or CRIU's restore.log ("flags=refused"). Nothing is left behind.
std::vector<std::string> read_across_restore(const it::Runner& rt, it::Bundle& bundle,
                                             const std::vector<std::string>& restore_flags,
                                             const std::function<std::string(const fs::path&)>& read,
                                             const std::string& flags_refused_with = "") {
    std::vector<std::string> seen;
    const std::string id = it::unique_id("lsm-cr");
    bundle.set_args({"sleep", "1000"});
    bundle.set_readonly(false);
    place_cgroup(bundle, id);
    bundle.save();
    auto r = rt({"run", "--detach", "--bundle", bundle.path().string(), id}, {.timeout = kSlow});
    EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
    if (r.exit_code != 0) return seen;
    seen.push_back("before=" + read(init_proc(rt, id)));
    it::TempDir images("ocirun-it-images");
    const std::string img = (images.path() / "img").string();
    const std::string work = (images.path() / "work").string();  // CRIU's logs, for the messages
    fs::create_directories(work);
    r = rt({"checkpoint", "--image-path", img, "--work-path", work, id}, {.timeout = kSlow});
    EXPECT_EQ(r.exit_code, 0) << rt.name() << " checkpoint: " << r.describe() << "\ndump.log: "
                              << it::read_file(fs::path(work) / "dump.log");
    if (r.exit_code != 0) {
        rt({"delete", "--force", id}, {.timeout = kSlow});
        return seen;
    }
    for (bool with_flags : {true, false}) {
        std::vector<std::string> args{"restore", "-d", "--image-path", img, "--work-path", work,
                                      "--bundle", bundle.path().string()};
        if (with_flags) args.insert(args.end(), restore_flags.begin(), restore_flags.end());
        args.push_back(id);
        r = rt(args, {.timeout = kSlow});
        const std::string log = it::read_file(fs::path(work) / "restore.log");
        if (with_flags && !flags_refused_with.empty()) {
            EXPECT_NE(r.exit_code, 0) << rt.name() << " restore: " << r.describe();
            const bool said = contains(r.err, flags_refused_with) || contains(log, flags_refused_with);
            EXPECT_TRUE(said) << rt.name() << ": expected \"" << flags_refused_with << "\": " << r.describe()
                              << "\nrestore.log: " << log;
            if (r.exit_code != 0 && said) seen.push_back("flags=refused");
        } else {
            EXPECT_EQ(r.exit_code, 0) << rt.name() << " restore: " << r.describe() << "\nrestore.log: " << log;
            if (r.exit_code == 0) seen.push_back((with_flags ? "flags=" : "plain=") + read(init_proc(rt, id)));
        }
        rt({"delete", "--force", id}, {.timeout = kSlow});
        EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << rt.name();
    }
    return seen;
}

// The SELinux label of a file (getxattr security.selinux), "" when none.
std::string file_label(const fs::path& path) {
    char buf[512] = {};
    const ssize_t n = ::getxattr(path.c_str(), "security.selinux", buf, sizeof buf - 1);
    return n > 0 ? trim(std::string(buf, static_cast<std::size_t>(n))) : "";
}

}  // namespace

// ---------------------------------------------------------------- this host (no LSM running)

TEST(LsmHost, ApparmorProfileIsRefusedWhenAppArmorIsOffLikeRunc) {
    if (apparmor_enabled()) GTEST_SKIP() << "AppArmor runs here: see AppArmorGuest.*";
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    process_of(bundle)["apparmorProfile"] = "ocirun-test";
    auto r = refused_without_leftovers(ocirun, bundle, "aa-off");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    // The log line escapes the quotes around the name: match the parts.
    EXPECT_TRUE(contains(r.err, "config.json: process.apparmorProfile: unable to apply apparmor profile ")) << r.describe();
    EXPECT_TRUE(contains(r.err, "ocirun-test\\\": AppArmor is not enabled in the kernel")) << r.describe();
    if (!it::runc_available()) GTEST_SKIP() << "runc not installed: no oracle";
    it::Runner runc = it::Runner::runc();
    auto o = refused_without_leftovers(runc, bundle, "aa-off-runc");
    // runc 1.1.5 fails in its init: "unable to apply apparmor profile: apparmor failed to apply
    // profile: write /proc/self/attr/exec: invalid argument".
    EXPECT_EQ(o.exit_code, r.exit_code) << o.describe();
    EXPECT_TRUE(contains(o.err, "unable to apply apparmor profile")) << o.describe();
}

TEST(LsmHost, SelinuxFieldsAreRefusedWhenSelinuxIsOffLikeRunc) {
    if (selinux_enabled()) GTEST_SKIP() << "SELinux runs here: see SelinuxGuest.*";
    it::Runner ocirun = it::Runner::ocirun();
    const bool have_runc = it::runc_available();
    struct Case {
        const char* field;
        std::function<void(it::Bundle&)> set;
        const char* text;
    } cases[] = {
        {"process.selinuxLabel",
         [](it::Bundle& b) { process_of(b)["selinuxLabel"] = "system_u:system_r:initrc_t:s0"; },
         "config.json: process.selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported"},
        {"linux.mountLabel",
         [](it::Bundle& b) { linux_of(b)["mountLabel"] = "system_u:object_r:tmp_t:s0"; },
         "config.json: linux.mountLabel: selinux mount label is specified in config, but selinux is disabled or not supported"},
    };
    for (auto& c : cases) {
        it::Bundle bundle;
        c.set(bundle);
        auto r = refused_without_leftovers(ocirun, bundle, "se-off");
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_TRUE(contains(r.err, c.text)) << r.describe();
        if (!have_runc) continue;
        it::Runner runc = it::Runner::runc();
        // runc 1.1.5: the label with the same sentence; the mount label fails its /dev tmpfs
        // mount with EINVAL (context= on a kernel without SELinux).
        auto o = refused_without_leftovers(runc, bundle, "se-off-runc");
        EXPECT_EQ(o.exit_code, r.exit_code) << o.describe();
        if (std::string(c.field) == "process.selinuxLabel") {
            EXPECT_TRUE(contains(o.err, "selinux label is specified in config, but selinux is disabled or not supported"))
                << o.describe();
        }
    }
}

TEST(LsmHost, ExecLabelFlagsAreRefusedWhenTheLsmIsOff) {
    if (apparmor_enabled() || selinux_enabled()) GTEST_SKIP() << "an LSM runs here: see the *Guest tests";
    it::Runner ocirun = it::Runner::ocirun();
    Sleeper c(ocirun, "lsm-exec-off", {});
    ASSERT_TRUE(c.started()) << c.describe();
    auto a = c.exec({"--apparmor", "ocirun-test"}, {"true"});
    EXPECT_NE(a.exit_code, 0) << a.describe();
    EXPECT_EQ(a.exit_code, 255) << a.describe();
    EXPECT_TRUE(contains(a.err, "exec failed: exec: process.apparmorProfile: unable to apply apparmor profile ")) << a.describe();
    EXPECT_TRUE(contains(a.err, "AppArmor is not enabled in the kernel")) << a.describe();
    auto s = c.exec({"--process-label", "system_u:system_r:initrc_t:s0"}, {"true"});
    EXPECT_NE(s.exit_code, 0) << s.describe();
    EXPECT_TRUE(contains(s.err, "process.selinuxLabel: selinux label is specified in config, but selinux is disabled")) << s.describe();
}

// restore --lsm-profile / --lsm-mount-context go through the lsm plugins before anything is
// restored (or CRIU is even asked): refused here naming the flag, nothing left behind. runc
// 1.1.5 leaves these to CRIU, which refuses too (or fails earlier on this host); its exit code
// must match and its text is printed.
TEST(LsmHost, RestoreLsmFlagsAreRefusedWhenTheLsmIsOff) {
    if (apparmor_enabled() || selinux_enabled()) GTEST_SKIP() << "an LSM runs here: see the *Guest tests";
    it::Runner ocirun = it::Runner::ocirun();
    const bool have_runc = it::runc_available();
    it::Bundle bundle;
    it::TempDir images("ocirun-it-images");
    struct Case {
        std::vector<std::string> flags;
        std::vector<const char*> texts;  // parts of ocirun's message (the log escapes quotes)
    } cases[] = {
        {{"--lsm-profile", "apparmor:ocirun-test"},
         {"restore: --lsm-profile apparmor:ocirun-test: unable to apply apparmor profile ",
          "AppArmor is not enabled in the kernel"}},
        {{"--lsm-profile", "selinux:system_u:system_r:initrc_t:s0"},
         {"restore: --lsm-profile selinux:system_u:system_r:initrc_t:s0: selinux label is specified",
          "selinux is disabled or not supported"}},
        {{"--lsm-mount-context", "system_u:object_r:tmp_t:s0"},
         {"restore: --lsm-mount-context system_u:object_r:tmp_t:s0: selinux mount label is specified",
          "selinux is disabled or not supported"}},
        {{"--lsm-profile", "tomoyo:x"}, {"restore: --lsm-profile tomoyo:x: unknown LSM type ", "(apparmor, selinux or none)"}},
        {{"--lsm-profile", "apparmor"}, {"restore: --lsm-profile apparmor: not TYPE:NAME"}},
    };
    for (const auto& c : cases) {
        for (bool use_runc : {false, true}) {
            if (use_runc && !have_runc) continue;
            it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
            const std::string id = it::unique_id("lsm-restore-off");
            std::vector<std::string> args{"restore", "-d", "--image-path", images.path().string(), "--bundle",
                                          bundle.path().string()};
            args.insert(args.end(), c.flags.begin(), c.flags.end());
            args.push_back(id);
            auto r = rt(args, {.timeout = kSlow});
            EXPECT_EQ(r.exit_code, 1) << rt.name() << ": " << r.describe();
            EXPECT_EQ(it::leftovers(rt, id, bundle), std::vector<std::string>{}) << rt.name();
            if (use_runc) {
                std::cerr << "runc's text for " << c.flags[0] << " " << c.flags[1] << ": " << r.err;
                continue;
            }
            for (const char* text : c.texts) EXPECT_TRUE(contains(r.err, text)) << text << "\n" << r.describe();
            // Refused before the checkpointer looked at the (empty) image dir.
            EXPECT_FALSE(contains(r.err, "descriptors.json")) << r.describe();
        }
    }
}

// The runtime process of a foreground `run` lives as long as the container: its memory map
// shows every plugin it loaded.
TEST(LsmHost, PluginsShowTheHostsReason) {
    if (apparmor_enabled() || selinux_enabled()) GTEST_SKIP() << "an LSM runs here: see the *Guest tests";
    it::Runner ocirun = it::Runner::ocirun();
    auto p = ocirun({"plugins"});
    ASSERT_EQ(p.exit_code, 0) << p.describe();
    std::istringstream lines(p.out);
    std::string line;
    int seen = 0;
    while (std::getline(lines, line)) {
        if (line.rfind("apparmor ", 0) == 0) {
            ++seen;
            EXPECT_TRUE(contains(line, " loaded ") && contains(line, "unavailable: AppArmor is not")) << line;
        }
        if (line.rfind("selinux ", 0) == 0) {
            ++seen;
            EXPECT_TRUE(contains(line, " loaded ") && contains(line, "unavailable: SELinux is disabled")) << line;
        }
    }
    EXPECT_EQ(seen, 2) << p.out;
    auto f = ocirun({"features"});
    ASSERT_EQ(f.exit_code, 0) << f.describe();
    const json::value features = json::parse(f.out);
    EXPECT_EQ(features.at("linux").at("apparmor").at("enabled"), false) << f.out;
    EXPECT_EQ(features.at("linux").at("selinux").at("enabled"), false) << f.out;
}

TEST(LsmHost, BundlesWithoutLsmFieldsLoadNoLsmPlugin) {
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_args({"sleep", "1000"});
    bundle.save();
    const std::string id = it::unique_id("lsm-none");
    auto script = "$OCIRUN run --bundle " + bundle.path().string() + " " + id +
                  " >/dev/null 2>&1 & rt=$!; "
                  "for i in $(seq 1 300); do $OCIRUN state " + id +
                  " 2>/dev/null | grep -q '\"running\"' && break; sleep 0.1; done; "
                  "grep -o '[^/ ]*\\.so[.0-9]*$' /proc/$rt/maps | sort -u; $OCIRUN delete --force " + id +
                  " >/dev/null 2>&1; wait $rt";
    auto r = it::shell(ocirun, script, kSlow);
    ASSERT_TRUE(contains(r.out, "cgroup-driver.")) << "the map must show the plugins it loaded: " << r.describe();
    EXPECT_FALSE(contains(r.out, "lsm.")) << r.describe();
    EXPECT_FALSE(contains(r.out, "libapparmor")) << r.describe();
    EXPECT_FALSE(contains(r.out, "libselinux.so")) << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
}

// ---------------------------------------------------------------- AppArmor guest

namespace {

constexpr const char* kDenyProfile = "ocirun-test-deny";
constexpr const char* kOtherProfile = "ocirun-test-other";

// Profiles allowing everything but writes to one file (`file,` also lets the confined exec
// trampoline exec the program).
void load_apparmor_profiles() {
    for (auto [name, denied] : {std::pair{kDenyProfile, "/tmp/deny"}, std::pair{kOtherProfile, "/tmp/other"}}) {
        const std::string text = std::string("profile ") + name +
                                 " flags=(attach_disconnected,mediate_deleted) {\n"
                                 "  file,\n  capability,\n  network,\n  signal,\n  ptrace,\n  unix,\n  mount,\n"
                                 "  umount,\n  pivot_root,\n  deny " + denied + " w,\n}\n";
        auto r = it::run_command({"apparmor_parser", "-r", "-K"}, {.timeout = kSlow, .input = text});
        if (r.exit_code != 0) throw std::runtime_error("apparmor_parser: " + r.describe());
    }
}

#define REQUIRE_APPARMOR()                                                                                  \
    do {                                                                                                    \
        if (!apparmor_enabled())                                                                            \
            GTEST_SKIP() << "needs a kernel running AppArmor: tests/vm/run-in-vm.sh --lsm apparmor -- "     \
                            "ctest -L apparmor (ctest vm.apparmor-suite)";                                   \
        load_apparmor_profiles();                                                                           \
    } while (0)

// AppArmor's attr/current ends with a newline.
const char* kDenyScript = "cat /proc/self/attr/current; if echo x >/tmp/deny; then echo wrote; else echo denied; fi";

}  // namespace

TEST(AppArmorGuest, FeaturesAndPluginsSayAvailable) {
    REQUIRE_APPARMOR();
    expect_features_and_plugins_say_usable("apparmor");
}

TEST(AppArmorGuest, ProfileConfinesTheProcessLikeRunc) {
    REQUIRE_APPARMOR();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    bundle.set_readonly(false);
    bundle.set_args({"sh", "-c", kDenyScript});
    process_of(bundle)["apparmorProfile"] = kDenyProfile;
    auto r = run_bundle(ocirun, bundle, "aa-deny");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), std::string(kDenyProfile) + " (enforce)\ndenied") << r.describe();

    it::Runner runc = it::Runner::runc();
    auto o = run_bundle(runc, bundle, "aa-deny-runc");
    EXPECT_EQ(o.out, r.out) << "runc: " << o.describe();

    process_of(bundle).erase("apparmorProfile");
    auto u = run_bundle(ocirun, bundle, "aa-none");
    EXPECT_EQ(u.exit_code, 0) << u.describe();
    EXPECT_EQ(trim(u.out), "unconfined\nwrote") << u.describe();
}

TEST(AppArmorGuest, ExecApparmorAppliesAnotherProfileLikeRunc) {
    REQUIRE_APPARMOR();
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        Sleeper c(rt, "aa-exec", [](it::Bundle& b) { process_of(b)["apparmorProfile"] = kDenyProfile; });
        ASSERT_TRUE(c.started()) << c.describe();
        auto r = c.exec({"--apparmor", kOtherProfile}, {"cat", "/proc/self/attr/current"});
        EXPECT_EQ(r.exit_code, 0) << rt.name() << ": " << r.describe();
        EXPECT_EQ(trim(r.out), std::string(kOtherProfile) + " (enforce)") << rt.name() << ": " << r.describe();
    }
}

TEST(AppArmorGuest, ProfileIsSetBeforeTheSyscallFilter) {
    REQUIRE_APPARMOR();
    expect_label_set_before_the_filter([](it::Bundle& b) { process_of(b)["apparmorProfile"] = kDenyProfile; });
}

TEST(AppArmorGuest, UnknownProfileFailsCreateClearlyAndLeavesNothing) {
    REQUIRE_APPARMOR();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    process_of(bundle)["apparmorProfile"] = "ocirun-no-such-profile";
    auto r = refused_without_leftovers(ocirun, bundle, "aa-unknown");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "config.json: process.apparmorProfile: unable to apply apparmor profile ")) << r.describe();
    EXPECT_TRUE(contains(r.err, "ocirun-no-such-profile\\\" is not loaded (load it with apparmor_parser)")) << r.describe();
    it::Runner runc = it::Runner::runc();
    auto o = refused_without_leftovers(runc, bundle, "aa-unknown-runc");
    EXPECT_EQ(o.exit_code, r.exit_code) << "runc: " << o.describe();
    std::cerr << "runc's text for an unknown profile: " << o.err;
}

// A container checkpointed under profile A comes back under B with `--lsm-profile apparmor:B`,
// under A without it (CRIU writes the profile to the restored tasks), as with runc.
TEST(AppArmorGuest, RestoreLsmProfileSwitchesTheProfileLikeRunc) {
    REQUIRE_APPARMOR();
    if (auto why = criu_unusable(); !why.empty()) GTEST_SKIP() << why;
    std::map<std::string, std::vector<std::string>> seen;
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        it::Bundle bundle;
        process_of(bundle)["apparmorProfile"] = kDenyProfile;
        seen[rt.name()] = read_across_restore(rt, bundle, {"--lsm-profile", std::string("apparmor:") + kOtherProfile},
                                              [](const fs::path& proc) { return trim(it::read_file(proc / "attr/current")); });
    }
    const std::vector<std::string> expected{std::string("before=") + kDenyProfile + " (enforce)",
                                            std::string("flags=") + kOtherProfile + " (enforce)",
                                            std::string("plain=") + kDenyProfile + " (enforce)"};
    EXPECT_EQ(seen["ocirun"], expected);
    EXPECT_EQ(seen["runc"], expected);
}

TEST(AppArmorGuest, RestoreUnknownProfileIsRefusedBeforeCriu) {
    REQUIRE_APPARMOR();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    it::TempDir images("ocirun-it-images");
    const std::string id = it::unique_id("aa-restore-unknown");
    auto r = ocirun({"restore", "-d", "--image-path", images.path().string(), "--bundle", bundle.path().string(),
                     "--lsm-profile", "apparmor:ocirun-no-such-profile", id},
                    {.timeout = kSlow});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "restore: --lsm-profile apparmor:ocirun-no-such-profile: unable to apply apparmor profile "))
        << r.describe();
    EXPECT_TRUE(contains(r.err, "is not loaded (load it with apparmor_parser)")) << r.describe();
    EXPECT_FALSE(contains(r.err, "descriptors.json")) << "the empty image dir was read: " << r.describe();
    EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
}

// ---------------------------------------------------------------- SELinux guest

namespace {

// Types of Debian's refpolicy ("default"); permissive mode lets the process run in them.
constexpr const char* kProcessLabel = "system_u:system_r:initrc_t:s0";
constexpr const char* kExecLabel = "system_u:system_r:kernel_t:s0";
constexpr const char* kMountLabel = "system_u:object_r:tmp_t:s0";

#define REQUIRE_SELINUX()                                                                                \
    do {                                                                                                 \
        if (!selinux_enabled())                                                                          \
            GTEST_SKIP() << "needs SELinux enabled with a policy loaded: tests/vm/run-in-vm.sh --lsm "   \
                            "selinux -- ctest -L selinux (ctest vm.selinux-suite)";                       \
    } while (0)

void label_everything(it::Bundle& b) {
    process_of(b)["selinuxLabel"] = kProcessLabel;
    linux_of(b)["mountLabel"] = kMountLabel;
    b.config().at("mounts").as_array().push_back(
        json::object{{"destination", "/mnt"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", json::array{"nosuid"}}});
}

}  // namespace

TEST(SelinuxGuest, FeaturesAndPluginsSayAvailable) {
    REQUIRE_SELINUX();
    expect_features_and_plugins_say_usable("selinux");
}

TEST(SelinuxGuest, ProcessAndMountLabelsLikeRunc) {
    REQUIRE_SELINUX();
    std::map<std::string, std::vector<std::string>> seen;
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        Sleeper c(rt, "se-labels", label_everything);
        ASSERT_TRUE(c.started()) << c.describe();
        const fs::path proc = c.proc();
        auto& labels = seen[rt.name()];
        labels.push_back(trim(it::read_file(proc / "attr/current")));
        for (const char* where : {"root/mnt", "root/dev/shm", "root/dev/mqueue", "root/dev"})
            labels.push_back(std::string(where) + "=" + file_label(proc / where));
        auto e = c.exec({"--process-label", kExecLabel}, {"cat", "/proc/self/attr/current"});
        EXPECT_EQ(e.exit_code, 0) << rt.name() << ": " << e.describe();
        labels.push_back("exec=" + trim(e.out));
    }
    const auto& mine = seen["ocirun"];
    ASSERT_EQ(mine.size(), 6u);
    EXPECT_EQ(mine[0], kProcessLabel);
    EXPECT_EQ(mine[1], std::string("root/mnt=") + kMountLabel);
    EXPECT_EQ(mine[2], std::string("root/dev/shm=") + kMountLabel);
    EXPECT_EQ(mine[3], std::string("root/dev/mqueue=") + kMountLabel);
    EXPECT_EQ(mine[5], std::string("exec=") + kExecLabel);
    EXPECT_EQ(mine, seen["runc"]) << "runc saw: " << ::testing::PrintToString(seen["runc"]);
}

TEST(SelinuxGuest, LabelIsSetBeforeTheSyscallFilter) {
    REQUIRE_SELINUX();
    expect_label_set_before_the_filter([](it::Bundle& b) { process_of(b)["selinuxLabel"] = kProcessLabel; });
}

// "" when this CRIU can dump and restore SELinux labels, else why not. CRIU detects SELinux
// only when built with libselinux (CONFIG_HAS_SELINUX); without it, it records no labels and
// refuses `--lsm-profile selinux:...` ("selinux LSM specified but selinux not supported by
// kernel"). Debian's criu 3.17.1 is built so.
std::string criu_without_selinux() {
    auto r = it::run_command({"sh", "-c", "ldd \"$(command -v criu)\" | grep -q libselinux"});
    return r.exit_code == 0 ? "" : "this CRIU is built without libselinux (no CONFIG_HAS_SELINUX): it restores no SELinux labels";
}

// A container with a tmpfs labelled M (linux.mountLabel) comes back with that tmpfs labelled M2
// by `restore --lsm-mount-context M2` (CRIU rewrites the mount's context=), M without it; the
// process label is whatever runc's restore gives too.
TEST(SelinuxGuest, RestoreLsmMountContextLikeRunc) {
    REQUIRE_SELINUX();
    if (auto why = criu_unusable(); !why.empty()) GTEST_SKIP() << why;
    constexpr const char* kRestoreMountContext = "system_u:object_r:tmpfs_t:s0";
    std::map<std::string, std::vector<std::string>> seen, mounts;
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        it::Bundle bundle;
        label_everything(bundle);
        seen[rt.name()] = read_across_restore(rt, bundle, {"--lsm-mount-context", kRestoreMountContext},
                                              [](const fs::path& proc) {
                                                  return trim(it::read_file(proc / "attr/current")) +
                                                         " mnt=" + file_label(proc / "root/mnt");
                                              });
        for (const auto& line : seen[rt.name()]) mounts[rt.name()].push_back(line.substr(0, line.find('=')) + line.substr(line.find(" mnt=")));
    }
    const std::vector<std::string> expected{std::string("before mnt=") + kMountLabel,
                                            std::string("flags mnt=") + kRestoreMountContext,
                                            std::string("plain mnt=") + kMountLabel};
    EXPECT_EQ(mounts["ocirun"], expected) << ::testing::PrintToString(seen["ocirun"]);
    EXPECT_EQ(seen["ocirun"], seen["runc"]);
    std::cerr << "labels across restore: " << ::testing::PrintToString(seen["ocirun"]) << "\n";
}

// `restore --lsm-profile selinux:L2`: the restored process runs as L2 (as L without the flag),
// as with runc. With a CRIU that has no SELinux support, both runtimes pass the flag to CRIU,
// which refuses it: checked, then skipped with that reason.
TEST(SelinuxGuest, RestoreLsmProfileLikeRunc) {
    REQUIRE_SELINUX();
    if (auto why = criu_unusable(); !why.empty()) GTEST_SKIP() << why;
    const std::string no_selinux = criu_without_selinux();
    const std::string refusal = no_selinux.empty() ? "" : "selinux LSM specified but selinux not supported by kernel";
    std::map<std::string, std::vector<std::string>> seen;
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        it::Bundle bundle;
        process_of(bundle)["selinuxLabel"] = kProcessLabel;
        seen[rt.name()] = read_across_restore(rt, bundle, {"--lsm-profile", std::string("selinux:") + kExecLabel},
                                              [](const fs::path& proc) { return trim(it::read_file(proc / "attr/current")); },
                                              refusal);
    }
    EXPECT_EQ(seen["ocirun"], seen["runc"]);
    std::cerr << "labels across restore: " << ::testing::PrintToString(seen["ocirun"]) << "\n";
    if (!no_selinux.empty()) {
        ASSERT_EQ(seen["ocirun"].size(), 3u);
        EXPECT_EQ(seen["ocirun"][1], "flags=refused");
        GTEST_SKIP() << no_selinux << "; --lsm-profile selinux:... reached CRIU and was refused by it, as with runc";
    }
    const std::vector<std::string> expected{std::string("before=") + kProcessLabel, std::string("flags=") + kExecLabel,
                                            std::string("plain=") + kProcessLabel};
    EXPECT_EQ(seen["ocirun"], expected);
}

TEST(SelinuxGuest, RestoreInvalidLabelIsRefusedBeforeCriu) {
    REQUIRE_SELINUX();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    it::TempDir images("ocirun-it-images");
    for (auto flags : {std::vector<std::string>{"--lsm-profile", "selinux:system_u:system_r:ocirun_no_such_t:s0"},
                       std::vector<std::string>{"--lsm-mount-context", "system_u:object_r:ocirun_no_such_t:s0"}}) {
        const std::string id = it::unique_id("se-restore-invalid");
        std::vector<std::string> args{"restore", "-d", "--image-path", images.path().string(), "--bundle",
                                      bundle.path().string()};
        args.insert(args.end(), flags.begin(), flags.end());
        args.push_back(id);
        auto r = ocirun(args, {.timeout = kSlow});
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_TRUE(contains(r.err, "restore: " + flags[0] + " " + flags[1] + ": invalid SELinux label ")) << r.describe();
        EXPECT_TRUE(contains(r.err, "not a valid context for the loaded policy")) << r.describe();
        EXPECT_FALSE(contains(r.err, "descriptors.json")) << "the empty image dir was read: " << r.describe();
        EXPECT_EQ(it::leftovers(ocirun, id, bundle), std::vector<std::string>{});
    }
}

namespace {

// SELinux enforcing for one scope, permissive again after it (lsm-setup.sh boots permissive).
class EnforcingScope {
public:
    EnforcingScope() { ok_ = it::run_command({"setenforce", "1"}).exit_code == 0; }
    ~EnforcingScope() {
        auto r = it::run_command({"setenforce", "0"});
        EXPECT_EQ(r.exit_code, 0) << "back to permissive: " << r.describe();
    }
    bool ok() const { return ok_; }

private:
    bool ok_ = false;
};

// Kernel log lines of SELinux denials (not permissive ones) of a transition into `domain`.
int enforced_denials_into(const std::string& domain) {
    auto r = it::run_command({"dmesg"}, {.timeout = kSlow});
    std::istringstream lines(r.out);
    int n = 0;
    for (std::string line; std::getline(lines, line);)
        if (contains(line, "avc:  denied") && contains(line, "tcontext=" + domain) && contains(line, "permissive=0")) ++n;
    return n;
}

}  // namespace

// Enforcing mode, where a denial proves the label: with noNewPrivileges (the default spec), the
// kernel refuses the transition into the confined initrc_t (nnp_transition, logged as an AVC
// denial), so the container cannot start, while the same bundle without a label (the runtime's
// own unconfined kernel_t) runs. runc the same.
TEST(SelinuxGuest, EnforcingDeniesTheConfinedDomainLikeRunc) {
    REQUIRE_SELINUX();
    std::map<std::string, int> labelled_exit;
    EnforcingScope enforcing;
    ASSERT_TRUE(enforcing.ok()) << "setenforce 1 failed";
    ASSERT_EQ(trim(it::read_file("/sys/fs/selinux/enforce")), "1");
    for (bool use_runc : {false, true}) {
        it::Runner rt = use_runc ? it::Runner::runc() : it::Runner::ocirun();
        it::Bundle bundle;
        bundle.set_args({"cat", "/proc/self/attr/current"});
        auto u = run_bundle(rt, bundle, "se-enforce-none");
        EXPECT_EQ(u.exit_code, 0) << rt.name() << ": " << u.describe();
        EXPECT_EQ(trim(u.out), "system_u:system_r:kernel_t:s0") << rt.name() << ": " << u.describe();

        process_of(bundle)["selinuxLabel"] = kProcessLabel;
        const int denials_before = enforced_denials_into(kProcessLabel);
        auto r = refused_without_leftovers(rt, bundle, "se-enforce-initrc");
        EXPECT_EQ(r.out, "") << rt.name() << ": the confined process ran: " << r.describe();
        EXPECT_GT(enforced_denials_into(kProcessLabel), denials_before)
            << rt.name() << ": no AVC denial into " << kProcessLabel << " was logged: " << r.describe();
        labelled_exit[rt.name()] = r.exit_code;
        std::cerr << rt.name() << "'s text for the denied transition: " << r.err;
    }
    EXPECT_EQ(labelled_exit["ocirun"], labelled_exit["runc"]);
}

TEST(SelinuxGuest, InvalidLabelFailsBeforeCreate) {
    REQUIRE_SELINUX();
    it::Runner ocirun = it::Runner::ocirun();
    it::Bundle bundle;
    process_of(bundle)["selinuxLabel"] = "system_u:system_r:ocirun_no_such_t:s0";
    auto r = refused_without_leftovers(ocirun, bundle, "se-invalid");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "config.json: process.selinuxLabel: invalid SELinux label ")) << r.describe();
    EXPECT_TRUE(contains(r.err, "ocirun_no_such_t:s0\\\": not a valid context for the loaded policy")) << r.describe();
    it::Runner runc = it::Runner::runc();
    auto o = refused_without_leftovers(runc, bundle, "se-invalid-runc");
    std::cerr << "runc's text for an invalid label: " << o.err;
}
