// ocirun exec [flags] ID COMMAND [ARGS...] | exec --process FILE ID: run another process in a
// container. Flags end at the id: what follows belongs to the command.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class ExecParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("exec", "run a new process inside a container");
        app->add_option("--console-socket", cmd_.console_socket,
                        "AF_UNIX socket that receives the pseudoterminal's master fd");
        app->add_option("--cwd", cmd_.cwd, "working directory inside the container");
        add_repeatable(*app, "-e,--env", cmd_.env, "environment variable NAME=VALUE (repeatable)");
        app->add_flag("-t,--tty", cmd_.tty, "give the process a pseudoterminal");
        app->add_option("-u,--user", cmd_.user, "UID[:GID] to run as");
        add_repeatable(*app, "-g,--additional-gids", cmd_.additional_gids,
                       "additional group id (repeatable)");
        app->add_option("-p,--process", cmd_.process, "JSON file with an OCI process object");
        app->add_flag("-d,--detach", cmd_.detach, "return once the process has started");
        app->add_option("--pid-file", cmd_.pid_file, "file to write the process's pid to");
        app->add_option("--process-label", cmd_.process_label, "SELinux label of the process");
        app->add_option("--apparmor", cmd_.apparmor, "AppArmor profile of the process");
        app->add_flag("--no-new-privs", cmd_.no_new_privs, "set no_new_privs for the process");
        add_repeatable(*app, "-c,--cap", cmd_.caps, "capability to add (repeatable)");
        app->add_option("--preserve-fds", cmd_.preserve_fds,
                        "pass N more file descriptors (from 3 on) to the process");
        add_repeatable(*app, "--cgroup", cmd_.cgroup,
                       "existing sub-cgroup to run in: [CONTROLLER:]PATH (repeatable)");
        app->add_flag("--ignore-paused", cmd_.ignore_paused, "exec even if the container is paused");
        app->add_option("args", args_, "container-id command [args...]");
        return app;
    }
    Command finish() override {
        require_at_least("exec", args_, 1);
        cmd_.id = args_[0];
        cmd_.args.assign(args_.begin() + 1, args_.end());
        if (cmd_.process.empty() && cmd_.args.empty())
            throw UsageError("ocirun: \"exec\" requires a command (or --process FILE)");
        return cmd_;
    }

private:
    ExecCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_exec_parser() { return std::make_unique<ExecParser>(); }

}  // namespace ocirun::cli
