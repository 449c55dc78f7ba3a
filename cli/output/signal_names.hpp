// `kill` signal arguments as runc reads them: a number ("9"), a name ("KILL", "kill") or a
// SIG-prefixed name ("SIGKILL"), including SIGRTMIN+N / SIGRTMAX-N.
#pragma once

#include <string>

namespace ocirun::cli {

// Throws ocirun::Error(`unknown signal "X"`) (runc's text).
int parse_signal(const std::string& text);

}  // namespace ocirun::cli
