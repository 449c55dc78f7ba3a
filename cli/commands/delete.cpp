// ocirun delete [-f] ID: remove a stopped container (with -f: kill it first).
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class DeleteParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("delete", "delete a container and its resources");
        app->add_flag("-f,--force", cmd_.force, "kill (SIGKILL) the container first if it runs");
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly("delete", args_, 1);
        cmd_.id = args_[0];
        return cmd_;
    }

private:
    DeleteCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_delete_parser() { return std::make_unique<DeleteParser>(); }

}  // namespace ocirun::cli
