// The one place where a failed command becomes what runc shows: the message and the exit status.
// The core throws runc's texts with an ErrorKind (ocirun/error.hpp); the CLI branches on the
// kind, never on the text.
#pragma once

#include <exception>
#include <string>

#include "options.hpp"

namespace ocirun::cli {

// Which command failed, where runc reports it differently.
enum class FailedCommand { Any, Exec };

struct FailureReport {
    std::string message;
    int exit_status = 1;
};

// runc: "exec failed: ..." with status 255 for exec (a caller tells it from the process's own
// status), the bare message with status 1 for every other command.
FailureReport failure_report(const std::exception& e, FailedCommand command);

// Prints `message` like runc: an error-level log line, plus the bare message on stderr when the
// log goes to a file.
void report_failure(const GlobalOptions& global, const std::string& message);

// The failure is "no container with that id" (ErrorKind::NotFound): `delete --force` succeeds.
bool is_not_found(const std::exception& e);

}  // namespace ocirun::cli
