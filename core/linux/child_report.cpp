#include "linux/child_report.hpp"

#include <unistd.h>

#include "linux/container_init.hpp"

namespace ocirun::linux_init {
namespace {

// After kReady the runtime stops reading the sync socket: later errors go to stderr.
bool g_ready_sent = false;

}  // namespace

void report_ready(int sync_fd) {
    send_to_runtime(sync_fd, SyncMsg::kReady);
    g_ready_sent = true;
}

[[noreturn]] void report_failure_and_exit(int sync_fd, const std::string& message, const char* stderr_prefix) {
    bool reported = false;
    if (!g_ready_sent) {
        try {
            send_to_runtime(sync_fd, SyncMsg::kError, message);
            reported = true;
        } catch (...) {
        }
    }
    if (!reported) {
        // The runtime is gone or done; stderr is the last place the message can go.
        std::string line = std::string(stderr_prefix) + ": " + message + "\n";
        ssize_t ignored = ::write(2, line.data(), line.size());
        (void)ignored;
    }
    ::_exit(1);
}

}  // namespace ocirun::linux_init
