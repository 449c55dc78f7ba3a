// core/state: id rules, container directories, atomic state.json, locking across processes.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <gtest/gtest.h>
#include <thread>

#include <boost/json.hpp>
#include <sstream>

#include "ocirun/error.hpp"
#include "state/state_store.hpp"
#include "util/go_json.hpp"

namespace fs = std::filesystem;
using ocirun::Error;
using ocirun::state::StateStore;
using ocirun::state::StoredState;
using ocirun::state::validate_id;

namespace {

class TempRoot {
public:
    TempRoot() {
        std::string tmpl = (fs::temp_directory_path() / "ocirun-state-test.XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
    }
    ~TempRoot() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path root() const { return dir_ / "root"; }

private:
    fs::path dir_;
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

// A forked child shares the parent's open file descriptions, and with them the parent's flock:
// it must close its copies, or the lock would outlive the parent's release.
void close_inherited_fds_except(int keep) {
    for (int fd = 3; fd < 1024; ++fd)
        if (fd != keep) ::close(fd);
}

std::string read_whole(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

}  // namespace

TEST(ContainerId, AcceptsRuncsCharacterSet) {
    for (const std::string id : {"a", "A1", "_a", "+a", ".a", "a..", "a_b+c.d-e", "a,b", "-x", "0"})
        EXPECT_NO_THROW(validate_id(id)) << id;
    EXPECT_NO_THROW(validate_id(std::string(1024, 'x')));
}

TEST(ContainerId, RejectsWithMessagesNamingTheId) {
    EXPECT_EQ(error_of([] { validate_id(""); }), "container id cannot be empty");
    for (const std::string id : {".", "..", "a/b", "/", "a b", "a\nb", "é", "a:b", "a~b"}) {
        const std::string msg = error_of([&] { validate_id(id); });
        EXPECT_EQ(msg.rfind("invalid container ID format", 0), 0u) << id << ": " << msg;
        EXPECT_FALSE(ocirun::state::is_valid_id(id)) << id;
    }
    EXPECT_NE(error_of([] { validate_id("a/b"); }).find("\"a/b\""), std::string::npos);
    EXPECT_NE(error_of([] { validate_id(".."); }).find("\"..\""), std::string::npos);
    const std::string long_msg = error_of([] { validate_id(std::string(1025, 'x')); });
    EXPECT_NE(long_msg.find("1025"), std::string::npos) << long_msg;
    EXPECT_NE(long_msg.find("1024"), std::string::npos) << long_msg;
}

TEST(StateStore, CreateMakesDirectoriesWithRuncsModes) {
    TempRoot t;
    StateStore store(t.root());
    auto dir = store.create("c1");
    EXPECT_EQ(dir.id(), "c1");
    EXPECT_EQ(dir.path(), t.root() / "c1");
    EXPECT_EQ(mode_of(t.root()), 0700u);
    EXPECT_EQ(mode_of(t.root() / "c1"), 0711u);
}

TEST(StateStore, DuplicateCreateFailsWithRuncsText) {
    TempRoot t;
    StateStore store(t.root());
    { auto dir = store.create("dup"); }
    const std::string msg = error_of([&] { store.create("dup"); });
    EXPECT_NE(msg.find("container with given ID already exists"), std::string::npos) << msg;
    EXPECT_EQ(msg, "container with given ID already exists") << "runc names no id";
}

TEST(StateStore, CreateRejectsInvalidIdsBeforeTouchingTheDisk) {
    TempRoot t;
    StateStore store(t.root());
    EXPECT_NE(error_of([&] { store.create("../escape"); }).find("invalid container ID format"),
              std::string::npos);
    EXPECT_FALSE(fs::exists(t.root()));
}

TEST(StateStore, OpenUnknownIdSaysDoesNotExist) {
    TempRoot t;
    StateStore store(t.root());
    const std::string msg = error_of([&] { store.open("nope"); });
    EXPECT_EQ(msg, "container does not exist");  // runc's text, no id (issue #14: one thrower)
    EXPECT_NE(error_of([&] { store.open("a/b"); }).find("invalid container ID format"), std::string::npos);
}

TEST(StateStore, SaveAndLoadRoundTripAtomically) {
    TempRoot t;
    StateStore store(t.root());
    StoredState s;
    s.id = "rt";
    s.ociVersion = "1.3.0";
    s.init_pid = 4242;
    s.init_start_time = 123456789012ULL;
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.created = "2026-11-26T10:46:05.223976513Z";
    s.annotations = {{"k", "v \"quoted\""}, {"z", ""}};
    s.created_by_run = true;
    s.cgroup_driver = "cgroups-v1";
    s.cgroup_saved = "{\"x\":1}";
    s.started = true;
    s.namespace_paths = {{"pid", "/proc/4242/ns/pid"}};
    s.config_file = "config.json";
    {
        auto dir = store.create("rt");
        dir.save(s);
        dir.save(s);  // replacing works too
    }
    auto dir = store.open("rt");
    StoredState back = dir.load();
    EXPECT_EQ(back.id, s.id);
    EXPECT_EQ(back.init_pid, 4242);
    EXPECT_EQ(back.init_start_time, s.init_start_time);
    EXPECT_EQ(back.annotations, s.annotations);
    EXPECT_TRUE(back.created_by_run);
    EXPECT_FALSE(back.rootless);
    EXPECT_EQ(back.cgroup_saved, s.cgroup_saved);
    EXPECT_TRUE(back.started);
    EXPECT_EQ(back.namespace_paths, s.namespace_paths);
    EXPECT_EQ(back.created, s.created);
    // Only lock and state.json: no temporary file left behind.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"lock", "state.json"}));
    EXPECT_EQ(mode_of(dir.path() / "state.json"), 0600u);
}

TEST(StateStore, LoadReportsCorruptStateNamingTheFile) {
    TempRoot t;
    StateStore store(t.root());
    auto dir = store.create("bad");
    std::ofstream(dir.path() / "state.json") << "{\"init_pid\": \"x\"}";
    std::string msg = error_of([&] { dir.load(); });
    EXPECT_NE(msg.find("state.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("init_pid"), std::string::npos) << msg;
    std::ofstream(dir.path() / "state.json") << "{not json";
    msg = error_of([&] { dir.load(); });
    EXPECT_NE(msg.find("invalid JSON"), std::string::npos) << msg;
}

TEST(StateStore, IdsListsContainersSortedAndSkipsOtherEntries) {
    TempRoot t;
    StateStore store(t.root());
    EXPECT_TRUE(store.ids().empty());  // missing root: empty list
    for (const char* id : {"b", "a", "c.1"}) store.create(id);
    fs::create_directory(t.root() / "~creating.abc");  // a creation in progress
    std::ofstream(t.root() / "file");                  // not a directory
    EXPECT_EQ(store.ids(), (std::vector<std::string>{"a", "b", "c.1"}));
}

TEST(StateStore, RemoveDeletesEverythingAndFreesTheId) {
    TempRoot t;
    StateStore store(t.root());
    {
        auto dir = store.create("gone");
        dir.save(StoredState{});
        std::ofstream(dir.path() / "extra") << "x";
        dir.remove();
    }
    EXPECT_FALSE(fs::exists(t.root() / "gone"));
    EXPECT_TRUE(store.ids().empty());
    EXPECT_EQ(std::distance(fs::directory_iterator(t.root()), fs::directory_iterator()), 0);
    EXPECT_NO_THROW(store.create("gone"));
}

// The child opens the container, so it must wait while this process holds the lock.
TEST(StateStore, SecondProcessBlocksUntilTheLockIsReleased) {
    TempRoot t;
    StateStore store(t.root());
    { store.create("locked"); }
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);

    auto held = std::make_unique<ocirun::state::ContainerDir>(store.open("locked"));
    const auto start = std::chrono::steady_clock::now();
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close_inherited_fds_except(pipefd[1]);
        int code = 0;
        try {
            StateStore s(t.root());
            auto d = s.open("locked");  // blocks until the parent releases
            char c = 'x';
            if (::write(pipefd[1], &c, 1) != 1) code = 3;
        } catch (...) {
            code = 2;
        }
        ::_exit(code);
    }
    ::close(pipefd[1]);
    // While we hold the lock the child cannot get it.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status = 0;
    EXPECT_EQ(::waitpid(child, &status, WNOHANG), 0) << "the child did not wait for the lock";
    held.reset();  // release
    char c = 0;
    EXPECT_EQ(::read(pipefd[0], &c, 1), 1);
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
    ::close(pipefd[0]);
}

TEST(StateStore, WaiterSeesDoesNotExistWhenTheHolderRemovesTheContainer) {
    TempRoot t;
    StateStore store(t.root());
    { store.create("doomed"); }
    auto held = std::make_unique<ocirun::state::ContainerDir>(store.open("doomed"));
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close_inherited_fds_except(pipefd[1]);
        std::string msg = "<opened>";
        try {
            StateStore s(t.root());
            s.open("doomed");
        } catch (const Error& e) {
            msg = e.what();
        }
        if (::write(pipefd[1], msg.data(), msg.size()) < 0) ::_exit(3);
        ::_exit(0);
    }
    ::close(pipefd[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the child block
    held->remove();
    held.reset();
    std::string msg;
    char buf[256];
    for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<size_t>(n));
    ::close(pipefd[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_EQ(msg, "container does not exist");
}

// ---- invalid UTF-8: Go's encoding (issue #13 item 2) -----------------------------------------

TEST(GoJson, InvalidUtf8BecomesOneReplacementPerByteLikeGo) {
    using ocirun::gojson::quote;
    EXPECT_EQ(quote("plain"), "\"plain\"");
    EXPECT_EQ(quote("k\xfe"), "\"k\\ufffd\"");
    // A truncated 3-byte sequence: one U+FFFD per byte, as Go's utf8.DecodeRuneInString reads it.
    EXPECT_EQ(quote("v\xe2\x82x"), "\"v\\ufffd\\ufffdx\"");
    // A UTF-16 surrogate encoded in UTF-8, an overlong '/', a code point past U+10FFFF.
    EXPECT_EQ(quote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ(quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ(quote("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    // Valid sequences stay as they are; U+2028/U+2029 and < > & are escaped like Go's.
    EXPECT_EQ(quote("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    EXPECT_EQ(quote("a\xe2\x80\xa8<&>\x01\t"), "\"a\\u2028\\u003c\\u0026\\u003e\\u0001\\t\"");
    EXPECT_EQ(quote("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");  // U+FFFD itself is valid
}

TEST(GoJson, SerializeIsCompactAndAlwaysParses) {
    boost::json::object o{{"a", "x\xff"}, {"n", 7}, {"b", true}, {"l", boost::json::array{1, "\x80"}}};
    const std::string text = ocirun::gojson::serialize(o);
    EXPECT_EQ(text, "{\"a\":\"x\\ufffd\",\"n\":7,\"b\":true,\"l\":[1,\"\\ufffd\"]}");
    boost::system::error_code ec;
    boost::json::parse(text, ec);  // strict: invalid UTF-8 would fail
    EXPECT_FALSE(ec) << ec.message();
}

TEST(StateStore, StateWithInvalidUtf8IsWrittenAsValidJson) {
    TempRoot t;
    StateStore store(t.root());
    auto dir = store.create("bad-utf8");
    StoredState s;
    s.id = "bad-utf8";
    s.ociVersion = "1.0.2\xff";
    s.bundle = "/tmp/b\xc3";
    s.annotations["k\xfe"] = "v\xe2\x82x";
    dir.save(s);
    boost::system::error_code ec;
    boost::json::parse(read_whole(dir.path() / "state.json"), ec);
    EXPECT_FALSE(ec) << "state.json must be valid JSON: " << ec.message();
    const StoredState back = dir.load();
    EXPECT_EQ(back.ociVersion, "1.0.2\xef\xbf\xbd");
    EXPECT_EQ(back.bundle, "/tmp/b\xef\xbf\xbd");
    EXPECT_EQ(back.annotations.at("k\xef\xbf\xbd"), "v\xef\xbf\xbd\xef\xbf\xbdx");
}

TEST(StateStore, RemoveUnlockedRemovesADirWithoutItsLock) {
    TempRoot t;
    StateStore store(t.root());
    { auto dir = store.create("half"); }
    fs::remove(t.root() / "half" / "lock");
    EXPECT_NE(error_of([&] { store.open("half"); }).find("does not exist"), std::string::npos);
    store.remove_unlocked("half");
    EXPECT_FALSE(fs::exists(t.root() / "half"));
    store.remove_unlocked("half");  // already gone: nothing to do
}

// What a runtime SIGKILLed while it built or removed a container dir left: removed once its
// maker is gone and nobody holds its lock; a live maker's (or a locked) temporary dir stays.
TEST(StateStore, RemoveAbandonedSweepsOnlyTheTemporaryDirsOfDeadMakers) {
    TempRoot t;
    StateStore store(t.root());
    { auto dir = store.create("kept"); }
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    const std::string dead = std::to_string(child);
    const std::string alive = std::to_string(::getpid());
    for (const std::string name : {"~creating." + dead + ".a", "~deleting." + dead + ".0",
                                   "~creating." + alive + ".b", "~creating." + dead + ".locked"})
        fs::create_directories(t.root() / name / "sub");
    const int lock = ::open((t.root() / ("~creating." + dead + ".locked") / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(lock, 0);
    // Held as a creator holds it (flock is per open file: remove_abandoned's own open conflicts).
    ASSERT_EQ(::flock(lock, LOCK_EX), 0);
    store.remove_abandoned();
    ::close(lock);
    EXPECT_FALSE(fs::exists(t.root() / ("~creating." + dead + ".a")));
    EXPECT_FALSE(fs::exists(t.root() / ("~deleting." + dead + ".0")));
    EXPECT_TRUE(fs::exists(t.root() / ("~creating." + alive + ".b")));
    EXPECT_TRUE(fs::exists(t.root() / ("~creating." + dead + ".locked")));
    EXPECT_TRUE(fs::exists(t.root() / "kept"));
    store.remove_abandoned();  // the lock is free now
    EXPECT_FALSE(fs::exists(t.root() / ("~creating." + dead + ".locked")));
}

// Go's %q (logrus text lines, container-id errors) walks the bytes like quote() but escapes
// its own way: \xNN for control bytes and invalid UTF-8, valid UTF-8 kept, no HTML escapes.
TEST(GoJson, GoQuoteIsStrconvQuoteForMessages) {
    using ocirun::gojson::go_quote;
    EXPECT_EQ(go_quote("a \"b\" \\ <&>"), "\"a \\\"b\\\" \\\\ <&>\"");
    EXPECT_EQ(go_quote("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
    EXPECT_EQ(go_quote(std::string("\x01\x7f", 2)), "\"\\x01\\x7f\"");
    EXPECT_EQ(go_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // valid UTF-8 as is
    EXPECT_EQ(go_quote("k\xfe"), "\"k\\xfe\"");
    EXPECT_EQ(ocirun::gojson::quote("<&>\n"), "\"\\u003c\\u0026\\u003e\\n\"");  // JSON's escapes differ
}

// The container-id error quotes the id with Go's %q.
TEST(ContainerId, InvalidIdIsQuotedLikeGo) {
    try {
        ocirun::state::validate_id("a/\x01");
        ADD_FAILURE() << "accepted";
    } catch (const ocirun::Error& e) {
        EXPECT_EQ(std::string(e.what()), "invalid container ID format: \"a/\\x01\" contains \"/\"; allowed are "
                                         "letters, digits and _ + , - .");
    }
}
