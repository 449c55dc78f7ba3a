// ocirun features: what this runtime supports, as JSON (runtime-spec features.md).
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class FeaturesParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("features", "print the features this runtime supports");
        app->add_option("args", args_)->group("");
        return app;
    }
    Command finish() override {
        require_exactly("features", args_, 0);
        return FeaturesCommand{};
    }

private:
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_features_parser() { return std::make_unique<FeaturesParser>(); }

}  // namespace ocirun::cli
