// ocirun spec [-b BUNDLE] [--rootless]: write a default config.json.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class SpecParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("spec", "write a default config.json into the bundle");
        app->add_option("-b,--bundle", cmd_.bundle, "bundle directory to write config.json into");
        app->add_flag("--rootless", cmd_.rootless, "write a configuration for a rootless container");
        app->add_option("args", args_)->group("");
        return app;
    }
    Command finish() override {
        require_exactly("spec", args_, 0);
        return cmd_;
    }

private:
    SpecCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_spec_parser() { return std::make_unique<SpecParser>(); }

}  // namespace ocirun::cli
