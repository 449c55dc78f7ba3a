#include "app.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <sstream>
#include <string_view>
#include <utility>

#include "command_parser.hpp"
#include "state_root.hpp"
#include "ocirun/spec.hpp"

#ifndef OCIRUN_VERSION
#error "OCIRUN_VERSION must be defined by the build"
#endif
#ifndef OCIRUN_GIT_COMMIT
#error "OCIRUN_GIT_COMMIT must be defined by the build"
#endif

namespace ocirun::cli {
namespace {

// Commands whose arguments after the container id belong to a program (as in runc, which
// stops parsing their flags there).
bool program_follows_id(const std::string& command) { return command == "exec" || command == "ps"; }

struct CommandLine {
    CLI::App app{"ocirun: an OCI container runtime, command-line compatible with runc", "ocirun"};
    GlobalOptions global;
    bool version = false;
    std::vector<std::pair<CLI::App*, std::unique_ptr<CommandParser>>> commands;

    // `only`: define just that command (what a normal invocation needs: building all eighteen
    // costs every start ~0.4 ms); empty: all of them (help, errors, unknown commands).
    explicit CommandLine(const std::string& only = {}) {
        app.require_subcommand(0, 1);
        global.root = default_state_root().path;  // shown by --help, as runc shows its own
        app.add_option("--root", global.root, "directory for container state (should be on tmpfs)")
            ->capture_default_str();
        app.add_option("--log", global.log, "log file (default: stderr)");
        app.add_option("--log-format", global.log_format, "log format: text or json")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
        app.add_flag("--debug", global.debug, "enable debug logging");
        app.add_option("--criu", global.criu, "CRIU binary used by checkpoint and restore")
            ->capture_default_str();
        app.add_flag("--systemd-cgroup", global.systemd_cgroup,
                     "use systemd for cgroups (cgroupsPath \"slice:prefix:name\")");
        app.add_option("--rootless", global.rootless,
                       "ignore cgroup permission errors: true, false or auto")
            ->check(CLI::IsMember({"true", "false", "auto"}))
            ->capture_default_str();
        app.add_flag("-v,--version", version, "print the version");

        for (const auto& [name, make] : kCommands) {
            if (!only.empty() && only != name) continue;
            std::unique_ptr<CommandParser> p = make();
            CLI::App* sub = p->define(app);
            commands.emplace_back(sub, std::move(p));
        }
    }

    static constexpr std::pair<std::string_view, std::unique_ptr<CommandParser> (*)()> kCommands[] = {
        {"checkpoint", make_checkpoint_parser}, {"create", make_create_parser},
        {"delete", make_delete_parser},         {"events", make_events_parser},
        {"exec", make_exec_parser},             {"features", make_features_parser},
        {"kill", make_kill_parser},             {"list", make_list_parser},
        {"pause", make_pause_parser},           {"plugins", make_plugins_parser},
        {"ps", make_ps_parser},                 {"restore", make_restore_parser},
        {"resume", make_resume_parser},         {"run", make_run_parser},
        {"spec", make_spec_parser},             {"start", make_start_parser},
        {"state", make_state_parser},           {"update", make_update_parser},
    };

    static bool is_command(const std::string& name) {
        for (const auto& c : kCommands)
            if (c.first == name) return true;
        return false;
    }

    std::pair<CLI::App*, CommandParser*> selected() const {
        for (const auto& [sub, parser] : commands)
            if (sub->parsed()) return {sub, parser.get()};
        return {nullptr, nullptr};
    }
};

FlagScope scope_of(const CLI::App& app) {
    FlagScope scope;
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional()) continue;
        const bool takes_value = opt->get_expected_min() > 0;  // flags expect none
        std::string primary_long = opt->get_lnames().empty() ? "" : opt->get_lnames().front();
        for (const std::string& l : opt->get_lnames()) {
            scope.long_names.insert(l);
            if (takes_value) scope.value_flags.insert(l);
        }
        for (const std::string& s : opt->get_snames()) {
            scope.short_to_long[s[0]] = primary_long;
            if (takes_value) scope.value_flags.insert(s);
        }
    }
    return scope;
}

ArgvGrammar grammar_of(const CommandLine& cl) {
    ArgvGrammar g;
    g.global = scope_of(cl.app);
    for (const auto& [sub, parser] : cl.commands) {
        FlagScope s = scope_of(*sub);
        s.program_after_first_positional = program_follows_id(sub->get_name());
        g.commands.emplace(sub->get_name(), std::move(s));
    }
    return g;
}

// runc's "Incorrect Usage" block: the message, then the help of the command concerned.
std::string usage_text(const std::string& message, const CLI::App& app) {
    return "Incorrect Usage: " + message + "\n\n" + app.help();
}

// `ocirun help [COMMAND]` is urfave/cli's spelling of `--help`.
std::vector<std::string> rewrite_help_command(std::vector<std::string> args) {
    auto it = std::find_if(args.begin(), args.end(), [](const std::string& a) { return a.empty() || a[0] != '-'; });
    if (it != args.end() && *it == "help") {
        const bool has_topic = std::next(it) != args.end();
        if (has_topic) {
            std::string topic = *std::next(it);
            args.erase(it, args.end());
            args.push_back(topic);
        } else {
            args.erase(it, args.end());
        }
        args.push_back("--help");
    }
    return args;
}

// Names the token CLI11 complained about in its own words, Go-style: "flag provided but not
// defined: -bogus" reads better to runc users than CLI11's wording, so translate that case.
std::string describe(const CLI::ParseError& e) {
    const std::string what = e.what();
    const std::string extras = "The following argument was not expected: ";
    const std::string extras_many = "The following arguments were not expected: ";
    for (const std::string& prefix : {extras, extras_many}) {
        if (what.rfind(prefix, 0) == 0) {
            // CLI11 lists every leftover token; the separator we insert is not one of the user's.
            std::istringstream leftovers(what.substr(prefix.size()));
            std::string first_flag, rest;
            for (std::string tok; leftovers >> tok;) {
                if (tok == "--") continue;
                if (first_flag.empty() && tok[0] == '-') first_flag = tok;
                rest += (rest.empty() ? "" : " ") + tok;
            }
            if (!first_flag.empty()) return "flag provided but not defined: " + first_flag;
            return "unexpected argument: " + rest;
        }
    }
    return what;
}

}  // namespace

std::string version_text() {
    return std::string("ocirun version ") + OCIRUN_VERSION + "\ncommit: " + OCIRUN_GIT_COMMIT +
           "\nspec: " + spec::kSpecVersion + "\n";
}

ArgvGrammar command_line_grammar() {
    CommandLine cl;
    return grammar_of(cl);
}

namespace {

// Where the command word is in normalized `args`: past the global flags and the values of those
// that take one ("--root X"). args.size() when there is none; `stop` (e.g. a help flag) also ends
// the search there.
size_t command_position(const std::vector<std::string>& args, const ArgvGrammar& grammar,
                        bool (*stop)(const std::string&) = nullptr) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (stop && stop(a)) return args.size();
        if (a.empty() || a[0] != '-') return i;
        if (a.rfind("--", 0) == 0 && a.find('=') == std::string::npos &&
            grammar.global.value_flags.count(a.substr(2)))
            ++i;
    }
    return args.size();
}

// The command named on the command line when it is a known one, else "" (no command, help,
// an unknown name, or global flags the grammar cannot place).
std::string named_command(const std::vector<std::string>& args) {
    const CommandLine globals_only("\n");  // a name no command has: the global flags alone
    ArgvGrammar grammar;
    grammar.global = scope_of(globals_only.app);
    const std::vector<std::string> normalized = normalize_argv(args, grammar);
    const size_t at = command_position(normalized, grammar, [](const std::string& a) {
        return a == "--" || a == "--help" || a == "-h";
    });
    if (at == normalized.size() || !CommandLine::is_command(normalized[at])) return {};
    return normalized[at];
}

ParseOutcome parse_with(CommandLine& cl, const std::vector<std::string>& raw_args);

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string>& raw_args) {
    // Fast path: only the named command is defined. Anything but a clean parse (help, a usage
    // error) is parsed again with every command defined, so its output is exactly as before.
    const std::string command = named_command(rewrite_help_command(raw_args));
    if (!command.empty()) {
        CommandLine one(command);
        ParseOutcome outcome = parse_with(one, raw_args);
        if (outcome.exit_code == 0 && outcome.out.empty() && outcome.invocation) return outcome;
    }
    CommandLine all;
    return parse_with(all, raw_args);
}

namespace {

ParseOutcome parse_with(CommandLine& cl, const std::vector<std::string>& raw_args) {
    ParseOutcome outcome;
    const ArgvGrammar grammar = grammar_of(cl);
    std::vector<std::string> args = normalize_argv(rewrite_help_command(raw_args), grammar);

    // An unknown command is reported by name before CLI11 turns it into a generic complaint.
    if (const size_t at = command_position(args, grammar); at < args.size() && grammar.commands.count(args[at]) == 0) {
        outcome.exit_code = 1;
        outcome.error_message = "unknown command \"" + args[at] + "\"; see 'ocirun --help'";
        return outcome;
    }

    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
    try {
        cl.app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        outcome.out = cl.app.help();
        outcome.global = cl.global;
        return outcome;
    } catch (const CLI::ParseError& e) {
        auto [sub, parser] = cl.selected();
        outcome.exit_code = 1;
        outcome.error_message = describe(e);
        outcome.usage = usage_text(outcome.error_message, sub ? *sub : cl.app);
        outcome.global = cl.global;
        return outcome;
    }
    outcome.global = cl.global;

    if (cl.version) {
        outcome.out = version_text();
        return outcome;
    }
    auto [sub, parser] = cl.selected();
    if (parser == nullptr) {  // no command: show the overview, like runc
        outcome.out = cl.app.help();
        return outcome;
    }
    try {
        outcome.invocation = Invocation{cl.global, parser->finish()};
    } catch (const UsageError& e) {
        outcome.exit_code = 1;
        outcome.error_message = e.what();
        outcome.usage = usage_text(e.what(), *sub);
    }
    return outcome;
}

}  // namespace

}  // namespace ocirun::cli
