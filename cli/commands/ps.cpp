// ocirun ps [-f table|json] ID [PS_ARGS...]: the container's processes.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class PsParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("ps", "list the processes of a container");
        app->add_option("-f,--format", cmd_.format, "table or json")
            ->check(CLI::IsMember({"table", "json"}));
        app->add_option("args", args_, "container-id [ps arguments, default -ef]");
        return app;
    }
    Command finish() override {
        require_at_least("ps", args_, 1);
        cmd_.id = args_[0];
        cmd_.ps_args.assign(args_.begin() + 1, args_.end());
        return cmd_;
    }

private:
    PsCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_ps_parser() { return std::make_unique<PsParser>(); }

}  // namespace ocirun::cli
