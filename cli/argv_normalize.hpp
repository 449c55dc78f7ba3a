// Go-style command lines (what runc's clients send) rewritten into the form CLI11 parses.
//
// runc parses flags with Go's flag package (through urfave/cli), so clients send `-flag`,
// `-flag=v`, `--flag v`, `--flag=true|false`, single letters as `--b`, and flags mixed among
// the positional arguments. normalize_argv rewrites:
//   -name / -name=v       -> --name / --name=v     (a known long name after a single dash)
//   --x / --x=v           -> -x / --long=v         (a known one-letter name after two dashes)
//   -x=v                  -> --long=v              (CLI11 has no `-x=v`)
// and moves the positional arguments of the command behind a `--`, after all of its flags, so
// that positionals such as a signal `-9` or exec's `ls -la` are never taken for flags.
// A command whose arguments after the first positional belong to a program (exec) stops flag
// parsing there, as runc does.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ocirun::cli {

// The flags one level of the command line knows (the global flags, or one command's).
struct FlagScope {
    std::set<std::string> long_names;           // "bundle", "pid-file"
    std::map<char, std::string> short_to_long;  // 'b' -> "bundle" ("" when it has no long name)
    std::set<std::string> value_flags;          // names (long, or the letter) that take a value
    bool program_after_first_positional = false;  // exec ID COMMAND ARGS...
};

struct ArgvGrammar {
    FlagScope global;
    std::map<std::string, FlagScope> commands;
};

// `args` excludes argv[0]. Unknown flags are passed through unchanged for the parser to report.
std::vector<std::string> normalize_argv(const std::vector<std::string>& args,
                                        const ArgvGrammar& grammar);

}  // namespace ocirun::cli
