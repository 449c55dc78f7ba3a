#include "argv_normalize.hpp"

#include <cctype>

namespace ocirun::cli {
namespace {

// "-9", "-1.5": a value or positional, never a flag (Go treats them as flags, and then fails).
bool is_negative_number(const std::string& tok) {
    if (tok.size() < 2 || tok[0] != '-') return false;
    for (size_t i = 1; i < tok.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(tok[i])) && tok[i] != '.') return false;
    return true;
}

bool is_flag_token(const std::string& tok) {
    return tok.size() > 1 && tok[0] == '-' && tok != "--" && !is_negative_number(tok);
}

// One flag token rewritten for CLI11; `takes_value` tells whether the next token is its value.
struct RewrittenFlag {
    std::string token;
    bool value_follows = false;
};

RewrittenFlag rewrite_flag(const std::string& tok, const FlagScope& scope) {
    const bool double_dash = tok.rfind("--", 0) == 0;
    const std::string body = tok.substr(double_dash ? 2 : 1);
    const auto eq = body.find('=');
    const std::string name = body.substr(0, eq);
    const bool has_value = eq != std::string::npos;
    const std::string value_part = has_value ? body.substr(eq) : "";  // "=v"

    if (name.size() == 1) {
        auto it = scope.short_to_long.find(name[0]);
        if (it == scope.short_to_long.end()) return {tok, false};
        if (has_value) {
            // `-x=v` / `--x=v`: CLI11 takes `=` only after a long name.
            if (!it->second.empty()) return {"--" + it->second + value_part, false};
            return {"-" + name, false};  // no long name: let the parser report it
        }
        return {"-" + name, scope.value_flags.count(name) > 0};
    }
    if (scope.long_names.count(name) == 0) return {tok, false};
    return {"--" + name + value_part, !has_value && scope.value_flags.count(name) > 0};
}

}  // namespace

std::vector<std::string> normalize_argv(const std::vector<std::string>& args,
                                        const ArgvGrammar& grammar) {
    std::vector<std::string> out;
    size_t i = 0;

    // Global flags, up to the command name.
    for (; i < args.size(); ++i) {
        const std::string& tok = args[i];
        if (tok == "--" || !is_flag_token(tok)) break;
        RewrittenFlag f = rewrite_flag(tok, grammar.global);
        out.push_back(f.token);
        if (f.value_follows && i + 1 < args.size()) out.push_back(args[++i]);
    }
    if (i >= args.size()) return out;
    if (args[i] == "--") {  // nothing sensible follows; keep the rest for the parser to judge
        out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
        return out;
    }

    const std::string& command = args[i++];
    out.push_back(command);
    auto scope_it = grammar.commands.find(command);
    if (scope_it == grammar.commands.end()) {  // unknown command: the parser reports it
        out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
        return out;
    }
    const FlagScope& scope = scope_it->second;

    std::vector<std::string> positionals;
    for (; i < args.size(); ++i) {
        const std::string& tok = args[i];
        if (tok == "--") {
            positionals.insert(positionals.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (is_flag_token(tok)) {
            RewrittenFlag f = rewrite_flag(tok, scope);
            out.push_back(f.token);
            if (f.value_follows && i + 1 < args.size()) out.push_back(args[++i]);
            continue;
        }
        positionals.push_back(tok);
        if (scope.program_after_first_positional) {
            positionals.insert(positionals.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
    }
    if (!positionals.empty()) {
        out.push_back("--");
        out.insert(out.end(), positionals.begin(), positionals.end());
    }
    return out;
}

}  // namespace ocirun::cli
