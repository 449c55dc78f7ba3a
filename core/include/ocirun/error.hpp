// ocirun/error.hpp — the one exception type of ocirun and its plugins.
//
// what() is shown to the user as is, so it must name what was wrong: the bundle field
// ("config.json: linux.namespaces[2].type: unknown namespace \"foo\""), the flag, or the file.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ocirun {

// Default visibility: plugins are built with hidden visibility, and an exception a plugin throws
// must carry the same type_info as the core's (for `catch (const NotImplemented&)` and for
// UBSan's dynamic type checks across the .so boundary).
#define OCIRUN_EXCEPTION_VISIBLE __attribute__((visibility("default")))

class OCIRUN_EXCEPTION_VISIBLE Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown by a plugin (or the core) for a feature that is recognised but not built yet.
class OCIRUN_EXCEPTION_VISIBLE NotImplemented : public Error {
public:
    using Error::Error;
};

// "what: strerror(errno)" — for failed syscalls. Reads errno at the call.
inline Error sys_error(const std::string& what, int err = errno) {
    return Error(what + ": " + std::strerror(err));
}

}  // namespace ocirun
