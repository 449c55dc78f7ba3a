// Typed errors (issue #14): each failure carries its kind, the CLI branches on the kind, and the
// texts users see stay runc's.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "execute/failure.hpp"
#include "ocirun/error.hpp"
#include "ocirun/spec_json.hpp"
#include "state/state_store.hpp"

namespace fs = std::filesystem;
using namespace ocirun;

namespace {

struct TempStateRoot {
    fs::path path;
    TempStateRoot() {
        char tmpl[] = "/tmp/ocirun-error-kinds-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempStateRoot() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

template <typename Body>
Error error_of(Body body) {
    try {
        body();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no ocirun::Error thrown";
    return Error("none");
}

}  // namespace

TEST(ErrorKinds, PlainErrorIsFailed) {
    EXPECT_EQ(Error("x").kind(), ErrorKind::Failed);
    EXPECT_EQ(sys_error("open f", ENOENT).kind(), ErrorKind::Failed);
    EXPECT_STREQ(sys_error("open f", ENOENT).what(), "open f: No such file or directory");
}

TEST(ErrorKinds, NotImplementedCarriesItsKind) {
    const NotImplemented e("criu plugin: restore is not implemented yet");
    EXPECT_EQ(e.kind(), ErrorKind::NotImplemented);
    EXPECT_STREQ(e.what(), "criu plugin: restore is not implemented yet");
}

TEST(ErrorKinds, InvalidConfigNamesItsJsonPath) {
    const InvalidConfig e("linux.resources.memory.swap", "memory+swap limit should be >= memory limit");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidConfig);
    EXPECT_EQ(e.json_path(), "linux.resources.memory.swap");
    EXPECT_STREQ(e.what(), "linux.resources.memory.swap: memory+swap limit should be >= memory limit");
    const InvalidConfig host("linux.resources.cpu.idle", "this kernel has no cpu.idle", ErrorKind::HostUnsupported);
    EXPECT_EQ(host.kind(), ErrorKind::HostUnsupported);
    EXPECT_EQ(host.json_path(), "linux.resources.cpu.idle");
}

TEST(ErrorKinds, UnknownIdIsNotFoundWithRuncsText) {
    const Error e = state::container_not_found();
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_STREQ(e.what(), "container does not exist");  // `runc state nosuch`, word for word

    TempStateRoot t;
    state::StateStore store(t.path);
    const Error open_error = error_of([&] { store.open("nosuch"); });
    EXPECT_EQ(open_error.kind(), ErrorKind::NotFound);
    EXPECT_STREQ(open_error.what(), "container does not exist");
    const Error present_error = error_of([&] { store.require_present("nosuch"); });
    EXPECT_EQ(present_error.kind(), ErrorKind::NotFound);
    EXPECT_STREQ(present_error.what(), "container does not exist");
}

TEST(ErrorKinds, TakenIdIsAlreadyExistsWithRuncsText) {
    TempStateRoot t;
    state::StateStore store(t.path);
    auto dir = store.create("taken");
    EXPECT_NO_THROW(store.require_present("taken"));
    for (const Error& e : {error_of([&] { store.create("taken"); }), error_of([&] { store.require_absent("taken"); })}) {
        EXPECT_EQ(e.kind(), ErrorKind::AlreadyExists);
        EXPECT_STREQ(e.what(), "container with given ID already exists");
    }
}

TEST(CliFailure, NotFoundIsDecidedByKindNotText) {
    EXPECT_TRUE(cli::is_not_found(state::container_not_found()));
    // A message that merely mentions the words is not an unknown container.
    EXPECT_FALSE(cli::is_not_found(Error("open /x: the file does not exist")));
    EXPECT_FALSE(cli::is_not_found(std::runtime_error("container does not exist")));
}

TEST(CliFailure, ExecFailuresAre255WithRuncsPrefixOthersAre1) {
    const Error e("container does not exist", ErrorKind::NotFound);
    const cli::FailureReport exec = cli::failure_report(e, cli::FailedCommand::Exec);
    EXPECT_EQ(exec.message, "exec failed: container does not exist");
    EXPECT_EQ(exec.exit_status, 255);
    const cli::FailureReport other = cli::failure_report(e, cli::FailedCommand::Any);
    EXPECT_EQ(other.message, "container does not exist");
    EXPECT_EQ(other.exit_status, 1);
}

TEST(ErrorKinds, InvalidConfigInAFileNamesFileAndPath) {
    const InvalidConfig e = InvalidConfig::in_file("config.json", "process.cwd", "Cwd must be an absolute path");
    EXPECT_STREQ(e.what(), "config.json: process.cwd: Cwd must be an absolute path");
    EXPECT_EQ(e.json_path(), "process.cwd");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidConfig);
    const InvalidConfig whole = InvalidConfig::in_file("config.json", "", "invalid JSON at line 1, column 2: x");
    EXPECT_STREQ(whole.what(), "config.json: invalid JSON at line 1, column 2: x");
    // A driver's field error (no file) gets the file prefixed by the core, path and kind kept.
    const InvalidConfig field("linux.resources.cpu.idle", "no cpu.idle", ErrorKind::HostUnsupported);
    const InvalidConfig prefixed = InvalidConfig::in_file("config.json", field);
    EXPECT_STREQ(prefixed.what(), "config.json: linux.resources.cpu.idle: no cpu.idle");
    EXPECT_EQ(prefixed.json_path(), "linux.resources.cpu.idle");
    EXPECT_EQ(prefixed.kind(), ErrorKind::HostUnsupported);
}

// spec::validate and the JSON reader throw InvalidConfig with the field's JSON path: callers
// read json_path(), never the message.
TEST(ErrorKinds, SpecValidationIsInvalidConfigWithItsPath) {
    const auto config = [](const std::string& process) {
        return R"({"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":)" + process + "}";
    };
    auto thrown = [](const std::string& text) -> InvalidConfig {
        try {
            spec::validate(spec::parse_config(text, "config.json"), "config.json");
        } catch (const InvalidConfig& e) {
            return e;
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not an InvalidConfig: " << e.what();
        }
        ADD_FAILURE() << "no error for " << text;
        return InvalidConfig("", "");
    };
    const InvalidConfig cwd = thrown(config(R"({"args":["sh"],"cwd":"relative"})"));
    EXPECT_EQ(cwd.json_path(), "process.cwd");
    EXPECT_EQ(cwd.kind(), ErrorKind::InvalidConfig);
    EXPECT_EQ(std::string(cwd.what()).rfind("config.json: process.cwd: ", 0), 0u) << cwd.what();
    const InvalidConfig rlimit =
        thrown(config(R"({"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_BOGUS","hard":1,"soft":1}]})"));
    EXPECT_EQ(rlimit.json_path(), "process.rlimits[0].type");
    const InvalidConfig type = thrown(config(R"({"args":["sh"],"cwd":"/","user":{"uid":"x"}})"));
    EXPECT_EQ(type.json_path(), "process.user.uid");
    const InvalidConfig syntax = thrown("{");
    EXPECT_EQ(syntax.json_path(), "");
    EXPECT_EQ(std::string(syntax.what()).rfind("config.json: invalid JSON", 0), 0u) << syntax.what();
}
