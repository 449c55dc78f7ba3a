#include "command_parser.hpp"

#include <CLI/CLI.hpp>

namespace ocirun::cli {
namespace {

[[noreturn]] void count_error(const std::string& command, const char* how, size_t n) {
    throw UsageError("ocirun: \"" + command + "\" requires " + how + " " + std::to_string(n) +
                     " argument(s)");
}

}  // namespace

void require_exactly(const std::string& command, const std::vector<std::string>& args, size_t n) {
    if (args.size() != n) count_error(command, "exactly", n);
}

void require_at_least(const std::string& command, const std::vector<std::string>& args, size_t n) {
    if (args.size() < n) count_error(command, "a minimum of", n);
}

void require_at_most(const std::string& command, const std::vector<std::string>& args, size_t n) {
    if (args.size() > n) count_error(command, "a maximum of", n);
}

void add_repeatable(CLI::App& app, const std::string& names, std::vector<std::string>& into,
                    const std::string& description) {
    // Without this, CLI11 would let one occurrence swallow the following positionals.
    app.add_option(names, into, description)->allow_extra_args(false);
}

}  // namespace ocirun::cli
