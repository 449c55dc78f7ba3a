// ocirun update [flags] ID: change a running container's resource limits.
#include <CLI/CLI.hpp>

#include "command_parser.hpp"

namespace ocirun::cli {
namespace {

class UpdateParser : public CommandParser {
public:
    CLI::App* define(CLI::App& parent) override {
        CLI::App* app = parent.add_subcommand("update", "update a container's resource limits");
        app->add_option("-r,--resources", cmd_.resources,
                        "LinuxResources JSON file, or - for stdin (other flags are then ignored)");
        struct {
            const char* name;
            std::optional<std::string>* into;
            const char* description;
        } const values[] = {
            {"--blkio-weight", &cmd_.blkio_weight, "block IO weight, 10 to 1000"},
            {"--cpu-period", &cmd_.cpu_period, "CFS period in microseconds"},
            {"--cpu-quota", &cmd_.cpu_quota, "CFS quota in microseconds per period"},
            {"--cpu-share", &cmd_.cpu_share, "CPU shares (relative weight)"},
            {"--cpu-rt-period", &cmd_.cpu_rt_period, "realtime period in microseconds"},
            {"--cpu-rt-runtime", &cmd_.cpu_rt_runtime, "realtime runtime in microseconds"},
            {"--cpuset-cpus", &cmd_.cpuset_cpus, "CPUs to run on (e.g. 0-2,4)"},
            {"--cpuset-mems", &cmd_.cpuset_mems, "memory nodes to use"},
            {"--memory", &cmd_.memory, "memory limit in bytes"},
            {"--memory-reservation", &cmd_.memory_reservation, "memory soft limit in bytes"},
            {"--memory-swap", &cmd_.memory_swap, "memory plus swap limit in bytes; -1: unlimited"},
            {"--pids-limit", &cmd_.pids_limit, "maximum number of pids"},
            {"--l3-cache-schema", &cmd_.l3_cache_schema, "Intel RDT L3 cache schema"},
            {"--mem-bw-schema", &cmd_.mem_bw_schema, "Intel RDT memory bandwidth schema"},
        };
        for (const auto& v : values) app->add_option(v.name, *v.into, v.description);
        app->add_option("container-id", args_, "the container's id");
        return app;
    }
    Command finish() override {
        require_exactly("update", args_, 1);
        cmd_.id = args_[0];
        return cmd_;
    }

private:
    UpdateCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_update_parser() { return std::make_unique<UpdateParser>(); }

}  // namespace ocirun::cli
