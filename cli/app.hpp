// The ocirun command line: global flags plus one subcommand per file in commands/.
// Parsing only: nothing here touches a container, so every flag can be tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "argv_normalize.hpp"
#include "options.hpp"

namespace ocirun::cli {

struct ParseOutcome {
    // Set when there is a command to execute.
    std::optional<Invocation> invocation;
    // Otherwise: what to print and the exit status (help, --version, usage errors).
    int exit_code = 0;
    std::string out;            // for stdout: help or version text
    std::string usage;          // for stderr: "Incorrect Usage: ..." and the command's help
    std::string error_message;  // the one-line error to log; empty when there was none
    GlobalOptions global;       // the global flags, as far as they were parsed (for logging)
};

// `args` excludes argv[0]. Never throws for a bad command line.
ParseOutcome parse_command_line(const std::vector<std::string>& args);

// What --version prints: "ocirun version X", "commit: Y", "spec: Z", one per line.
std::string version_text();

// The flag grammar the normaliser uses, read from the CLI11 definitions (one source of truth).
ArgvGrammar command_line_grammar();

}  // namespace ocirun::cli
