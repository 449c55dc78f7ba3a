// ocirun list [-f table|json] [-q]: the containers under --root.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class ListParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("list", "list the containers under --root");
        app->add_option("-f,--format", cmd_.format, "table or json")
            ->check(CLI::IsMember({"table", "json"}));
        app->add_flag("-q,--quiet", cmd_.quiet, "print only the container ids");
        app->add_option("args", args_)->group("");
        return app;
    }
    Command finish() override {
        require_exactly("list", args_, 0);
        return cmd_;
    }

private:
    ListCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_list_parser() { return std::make_unique<ListParser>(); }

}  // namespace ocirun::cli
