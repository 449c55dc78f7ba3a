// How a child of the runtime (the container's init, the process `exec` starts) reports on the
// sync socket: kReady once, just before it execs (after which the runtime reads no more), and
// on failure its error as kError while the runtime still listens, on stderr once it no longer
// does, then _exit(1). One flag per process remembers which of the two applies.
#pragma once

#include <exception>
#include <string>

namespace ocirun::linux_init {

// write() only (no sendmsg: it may follow the seccomp filter, see send_to_runtime).
void report_ready(int sync_fd);

// kError with `message` before report_ready, else "PREFIX: MESSAGE" on stderr (also when the
// runtime is gone); then _exit(1). `stderr_prefix`: "ocirun init", "ocirun exec".
[[noreturn]] void report_failure_and_exit(int sync_fd, const std::string& message, const char* stderr_prefix);

// Runs a child's `steps`, which end in execve or _exit; whatever they throw is reported with
// report_failure_and_exit (`unknown_error`: the text of an exception that has none).
template <class Steps>
[[noreturn]] void run_reporting_failure(int sync_fd, const char* stderr_prefix, const char* unknown_error,
                                        Steps&& steps) {
    std::string message;
    try {
        steps();
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = unknown_error;
    }
    report_failure_and_exit(sync_fd, message, stderr_prefix);
}

}  // namespace ocirun::linux_init
