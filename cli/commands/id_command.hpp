// Parser for the commands whose only argument is a container id (start, state, pause, resume).
#pragma once

#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {

template <class CommandT>
class IdCommandParser : public CommandParser {
public:
    IdCommandParser(std::string name, std::string description)
        : name_(std::move(name)), description_(std::move(description)) {}

    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand(name_, description_);
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly(name_, args_, 1);
        CommandT cmd;
        cmd.id = args_[0];
        return cmd;
    }

private:
    std::string name_, description_;
    std::vector<std::string> args_;
};

}  // namespace ocirun::cli
