// ocirun checkpoint [flags] ID: dump a running container with CRIU.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class CheckpointParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("checkpoint", "checkpoint a running container");
        auto& c = cmd_;
        app->add_option("--image-path", c.image_path, "directory for the CRIU image files");
        app->add_option("--work-path", c.work_path, "directory for CRIU's work files and logs");
        app->add_option("--parent-path", c.parent_path, "images of a previous pre-dump");
        app->add_flag("--leave-running", c.leave_running, "keep the container running afterwards");
        app->add_flag("--tcp-established", c.tcp_established, "allow open TCP connections");
        app->add_flag("--ext-unix-sk", c.ext_unix_sk, "allow external unix sockets");
        app->add_flag("--shell-job", c.shell_job, "allow shell jobs");
        app->add_flag("--lazy-pages", c.lazy_pages, "use userfaultfd for lazy page restore");
        app->add_option("--status-fd", c.status_fd, "fd CRIU writes \\0 to when lazy-pages is ready");
        app->add_option("--page-server", c.page_server, "ADDRESS:PORT of a page server");
        app->add_flag("--file-locks", c.file_locks, "handle file locks");
        app->add_flag("--pre-dump", c.pre_dump, "dump memory only and leave the container running");
        app->add_option("--manage-cgroups-mode", c.manage_cgroups_mode, "soft, full or strict")
            ->check(CLI::IsMember({"soft", "full", "strict", "ignore"}));
        add_repeatable(*app, "--empty-ns", c.empty_ns,
                       "namespace to create but not restore (repeatable)");
        app->add_flag("--auto-dedup", c.auto_dedup, "deduplicate memory images");
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly("checkpoint", args_, 1);
        cmd_.id = args_[0];
        return cmd_;
    }

private:
    CheckpointCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_checkpoint_parser() {
    return std::make_unique<CheckpointParser>();
}

}  // namespace ocirun::cli
