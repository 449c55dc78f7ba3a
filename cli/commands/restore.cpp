// ocirun restore [flags] ID: bring a checkpointed container back with CRIU.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class RestoreParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("restore", "restore a container from a checkpoint");
        auto& c = cmd_;
        app->add_option("--console-socket", c.console_socket,
                        "AF_UNIX socket that receives the pseudoterminal's master fd");
        app->add_option("--image-path", c.image_path, "directory of the CRIU image files");
        app->add_option("--work-path", c.work_path, "directory for CRIU's work files and logs");
        // Not a runc 1.1 restore flag, yet go-runc passes it along with --image-path.
        app->add_option("--parent-path", c.parent_path, "images of a previous pre-dump");
        app->add_flag("--tcp-established", c.tcp_established, "allow open TCP connections");
        app->add_flag("--ext-unix-sk", c.ext_unix_sk, "allow external unix sockets");
        app->add_flag("--shell-job", c.shell_job, "allow shell jobs");
        app->add_flag("--file-locks", c.file_locks, "handle file locks");
        app->add_option("--manage-cgroups-mode", c.manage_cgroups_mode, "soft, full or strict")
            ->check(CLI::IsMember({"soft", "full", "strict", "ignore"}));
        app->add_option("-b,--bundle", c.bundle, "bundle directory");
        app->add_flag("-d,--detach", c.detach, "return once the container is restored");
        app->add_option("--pid-file", c.pid_file, "file to write the init pid to");
        app->add_flag("--no-subreaper", c.no_subreaper, "do not become a subreaper");
        app->add_flag("--no-pivot", c.no_pivot, "use MS_MOVE instead of pivot_root");
        add_repeatable(*app, "--empty-ns", c.empty_ns,
                       "namespace to create but not restore (repeatable)");
        app->add_flag("--auto-dedup", c.auto_dedup, "deduplicate memory images");
        app->add_flag("--lazy-pages", c.lazy_pages, "restore memory pages lazily");
        app->add_option("--lsm-profile", c.lsm_profile, "LSM profile as TYPE:NAME");
        app->add_option("--lsm-mount-context", c.lsm_mount_context, "LSM mount context");
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly("restore", args_, 1);
        cmd_.id = args_[0];
        return cmd_;
    }

private:
    RestoreCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_restore_parser() { return std::make_unique<RestoreParser>(); }

}  // namespace ocirun::cli
