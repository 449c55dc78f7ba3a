// ocirun kill [-a] ID [SIGNAL]: signal the container's init (or, with -a, all its processes).
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class KillParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand(
            "kill", "send a signal (default SIGTERM) to the container's init process");
        app->add_flag("-a,--all", cmd_.all, "signal every process of the container");
        app->add_option("args", args_, "container-id [signal: number, KILL or SIGKILL]");
        return app;
    }
    Command finish() override {
        require_at_least("kill", args_, 1);
        require_at_most("kill", args_, 2);
        cmd_.id = args_[0];
        if (args_.size() == 2) cmd_.signal = args_[1];
        return cmd_;
    }

private:
    KillCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_kill_parser() { return std::make_unique<KillParser>(); }

}  // namespace ocirun::cli
