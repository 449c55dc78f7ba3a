// ocirun create [flags] ID: set a container up to the point where only its process is missing.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"
#include "commands/create_flags.hpp"

namespace ocirun::cli {

void add_create_flags(CLI::App& app, CreateCommand& cmd) {
    app.add_option("-b,--bundle", cmd.bundle, "bundle directory (default: the current directory)");
    app.add_option("--console-socket", cmd.console_socket,
                   "AF_UNIX socket that receives the pseudoterminal's master fd");
    app.add_option("--pid-file", cmd.pid_file, "file to write the container's init pid to");
    app.add_flag("--no-pivot", cmd.no_pivot, "use chroot-like MS_MOVE instead of pivot_root");
    app.add_flag("--no-new-keyring", cmd.no_new_keyring,
                 "keep the caller's session keyring instead of creating one");
    app.add_option("--preserve-fds", cmd.preserve_fds,
                   "pass N more file descriptors (from 3 on) to the container");
}

namespace {

class CreateParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("create", "create a container");
        add_create_flags(*app, cmd_);
        app->add_option("container-id", args_, "the new container's id");
        return app;
    }
    Command finish() override {
        require_exactly("create", args_, 1);
        cmd_.id = args_[0];
        return cmd_;
    }

private:
    CreateCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_create_parser() { return std::make_unique<CreateParser>(); }

}  // namespace ocirun::cli
