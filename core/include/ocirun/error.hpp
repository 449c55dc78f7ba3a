// ocirun/error.hpp — the exception types of ocirun and its plugins.
//
// what() is shown to the user as is, so it must name what was wrong: the bundle field
// ("config.json: linux.namespaces[2].type: unknown namespace \"foo\""), the flag, or the file.
// kind() says what category of failure it is, so callers branch on the kind and never on the
// text: the CLI, for instance, lets `delete --force` of an unknown id succeed on NotFound.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace ocirun {

// Default visibility: plugins are built with hidden visibility, and an exception a plugin throws
// must carry the same type_info as the core's (for `catch (const NotImplemented&)` and for
// UBSan's dynamic type checks across the .so boundary).
#define OCIRUN_EXCEPTION_VISIBLE __attribute__((visibility("default")))

enum class ErrorKind {
    Failed,           // anything else: a syscall, a plugin, a file that cannot be read
    NotFound,         // no container with that id
    AlreadyExists,    // create of an id that is taken
    InvalidConfig,    // config.json asks for something invalid; InvalidConfig names the field
    WrongState,       // the operation is not allowed in the container's status (state_rules.hpp)
    HostUnsupported,  // valid, but this host (kernel, cgroup setup) cannot do it
    NotImplemented,   // recognised, but ocirun does not do it yet
};

class OCIRUN_EXCEPTION_VISIBLE Error : public std::runtime_error {
public:
    explicit Error(const std::string& what, ErrorKind kind = ErrorKind::Failed)
        : std::runtime_error(what), kind_(kind) {}
    explicit Error(const char* what, ErrorKind kind = ErrorKind::Failed) : std::runtime_error(what), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

// Thrown by a plugin (or the core) for a feature that is recognised but not built yet.
class OCIRUN_EXCEPTION_VISIBLE NotImplemented : public Error {
public:
    explicit NotImplemented(const std::string& what) : Error(what, ErrorKind::NotImplemented) {}
};

// A config field that cannot be honoured: what() is "JSON_PATH: PROBLEM" (in_file: prefixed by
// the file, "config.json: ..."), e.g.
// "linux.resources.memory.swap: memory+swap limit should be >= memory limit". The kind is
// InvalidConfig, or HostUnsupported when the value is fine but this host lacks the feature.
class OCIRUN_EXCEPTION_VISIBLE InvalidConfig : public Error {
public:
    InvalidConfig(const std::string& json_path, const std::string& problem, ErrorKind kind = ErrorKind::InvalidConfig)
        : InvalidConfig(Whole{json_path + ": " + problem}, json_path, kind) {}
    // A field of a named file: what() is "FILE: JSON_PATH: PROBLEM" ("FILE: PROBLEM" for the
    // whole file, json_path ""), e.g. "config.json: process.cwd: Cwd must be an absolute path".
    static InvalidConfig in_file(const std::string& file, const std::string& json_path, const std::string& problem,
                                 ErrorKind kind = ErrorKind::InvalidConfig) {
        std::string what = file.empty() ? std::string() : file + ": ";
        if (!json_path.empty()) what += json_path + ": ";
        return InvalidConfig(Whole{what + problem}, json_path, kind);
    }
    // The same field error, now naming its file: "FILE: " + field_error.what().
    static InvalidConfig in_file(const std::string& file, const InvalidConfig& field_error) {
        return InvalidConfig(Whole{file + ": " + field_error.what()}, field_error.json_path(), field_error.kind());
    }
    const std::string& json_path() const noexcept { return json_path_; }

private:
    struct Whole {  // the complete what() text
        std::string text;
    };
    InvalidConfig(const Whole& what, std::string json_path, ErrorKind kind)
        : Error(what.text, kind), json_path_(std::move(json_path)) {}
    std::string json_path_;
};

// "what: strerror(errno)" — for failed syscalls. Reads errno at the call.
inline Error sys_error(const std::string& what, int err = errno) {
    return Error(what + ": " + std::strerror(err));
}

}  // namespace ocirun
