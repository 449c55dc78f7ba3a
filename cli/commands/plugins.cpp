// ocirun plugins [-f table|json]: the plugins found, with kind, version, status and path.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class PluginsParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("plugins", "list the plugins and their status");
        app->add_option("-f,--format", cmd_.format, "table or json")
            ->check(CLI::IsMember({"table", "json"}));
        app->add_option("args", args_)->group("");
        return app;
    }
    Command finish() override {
        require_exactly("plugins", args_, 0);
        return cmd_;
    }

private:
    PluginsCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_plugins_parser() { return std::make_unique<PluginsParser>(); }

}  // namespace ocirun::cli
