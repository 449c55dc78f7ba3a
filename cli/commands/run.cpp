// ocirun run [flags] ID: create and start a container; without -d, wait for it and exit with
// its exit status.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"
#include "commands/create_flags.hpp"

namespace ocirun::cli {
namespace {

class RunParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("run", "create and start a container");
        add_create_flags(*app, cmd_.create);
        app->add_flag("-d,--detach", cmd_.detach, "return once the container has started");
        app->add_flag("--keep", cmd_.keep, "keep the container's state after it exits");
        app->add_flag("--no-subreaper", cmd_.no_subreaper,
                      "do not become a subreaper for the container's orphans");
        app->add_option("container-id", args_, "the new container's id");
        return app;
    }
    Command finish() override {
        require_exactly("run", args_, 1);
        cmd_.create.id = args_[0];
        return cmd_;
    }

private:
    RunCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_run_parser() { return std::make_unique<RunParser>(); }

}  // namespace ocirun::cli
