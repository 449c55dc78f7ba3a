// How one subcommand's command line becomes a Command: each file in commands/ implements one.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "options.hpp"

namespace CLI {
class App;
}

namespace ocirun::cli {

// A command line that does not fit the command (wrong number of arguments, bad value).
// Reported like runc's "Incorrect Usage": the message, then the command's help.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class CommandParser {
public:
    virtual ~CommandParser() = default;
    // Adds the subcommand and all of runc's flags for it to `parent`, bound to this object.
    virtual CLI::App* define(CLI::App& parent) = 0;
    // After CLI11 accepted the line: check the positional arguments, build the Command.
    virtual Command finish() = 0;
};

// runc's argument-count checks, with its texts: `ocirun: "state" requires exactly 1 argument(s)`.
void require_exactly(const std::string& command, const std::vector<std::string>& args, size_t n);
void require_at_least(const std::string& command, const std::vector<std::string>& args, size_t n);
void require_at_most(const std::string& command, const std::vector<std::string>& args, size_t n);

// A flag that may be given several times, one value each (`-e A=1 -e B=2`).
void add_repeatable(CLI::App& app, const std::string& names, std::vector<std::string>& into,
                    const std::string& description);

// One factory per file in commands/, in runc's order.
std::unique_ptr<CommandParser> make_spec_parser();
std::unique_ptr<CommandParser> make_create_parser();
std::unique_ptr<CommandParser> make_start_parser();
std::unique_ptr<CommandParser> make_run_parser();
std::unique_ptr<CommandParser> make_state_parser();
std::unique_ptr<CommandParser> make_list_parser();
std::unique_ptr<CommandParser> make_kill_parser();
std::unique_ptr<CommandParser> make_delete_parser();
std::unique_ptr<CommandParser> make_exec_parser();
std::unique_ptr<CommandParser> make_ps_parser();
std::unique_ptr<CommandParser> make_pause_parser();
std::unique_ptr<CommandParser> make_resume_parser();
std::unique_ptr<CommandParser> make_update_parser();
std::unique_ptr<CommandParser> make_events_parser();
std::unique_ptr<CommandParser> make_checkpoint_parser();
std::unique_ptr<CommandParser> make_restore_parser();
std::unique_ptr<CommandParser> make_features_parser();
std::unique_ptr<CommandParser> make_plugins_parser();

}  // namespace ocirun::cli
