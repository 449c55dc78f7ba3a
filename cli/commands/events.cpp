// ocirun events [--interval D] [--stats] ID: stats (and OOM notices) as JSON lines.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"
#include "go_duration.hpp"

namespace ocirun::cli {
namespace {

class EventsParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("events", "print container events and statistics");
        app->add_option("--interval", interval_, "how often to collect stats (Go duration, e.g. 5s)");
        app->add_flag("--stats", cmd_.stats, "print the stats once and exit");
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly("events", args_, 1);
        cmd_.id = args_[0];
        try {
            cmd_.interval = parse_go_duration(interval_);
        } catch (const std::invalid_argument& e) {
            throw UsageError("invalid value \"" + interval_ + "\" for flag --interval: " + e.what());
        }
        if (cmd_.interval.count() <= 0)
            throw UsageError("--interval must be greater than 0, got \"" + interval_ + "\"");
        return cmd_;
    }

private:
    EventsCommand cmd_;
    std::string interval_ = "5s";
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_events_parser() { return std::make_unique<EventsParser>(); }

}  // namespace ocirun::cli
