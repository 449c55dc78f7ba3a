#include "execute/failure.hpp"

#include <cstdio>

#include "ocirun/error.hpp"
#include "ocirun/log.hpp"

namespace ocirun::cli {

FailureReport failure_report(const std::exception& e, FailedCommand command) {
    if (command == FailedCommand::Exec) return {std::string("exec failed: ") + e.what(), 255};
    return {e.what(), 1};
}

void report_failure(const GlobalOptions& global, const std::string& message) {
    log::error(message);
    if (!global.log.empty() && global.log != "/dev/stderr") std::fprintf(stderr, "%s\n", message.c_str());
}

bool is_not_found(const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    return error && error->kind() == ErrorKind::NotFound;
}

}  // namespace ocirun::cli
