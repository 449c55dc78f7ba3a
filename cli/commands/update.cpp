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
            // Accepted and ignored with a warning, like runc 1.1 (kernel memory limits are deprecated).
            {"--kernel-memory", &cmd_.kernel_memory, "kernel memory limit (ignored)"},
            {"--kernel-memory-tcp", &cmd_.kernel_memory_tcp, "kernel TCP buffer limit (ignored)"},
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
        // runc declares these two as integer flags: a malformed value is a usage error there.
        check_integer_flag("blkio-weight", cmd_.blkio_weight, false);
        check_integer_flag("pids-limit", cmd_.pids_limit, true);
        return cmd_;
    }

private:
    static void check_integer_flag(const char* flag, const std::optional<std::string>& value, bool is_signed) {
        if (!value) return;
        const std::string& v = *value;
        size_t start = is_signed && !v.empty() && (v[0] == '-' || v[0] == '+') ? 1 : 0;
        bool ok = v.size() > start;
        for (size_t i = start; ok && i < v.size(); ++i) ok = v[i] >= '0' && v[i] <= '9';
        if (!ok) throw UsageError("invalid value \"" + v + "\" for flag -" + flag + ": parse error");
    }

    UpdateCommand cmd_;
    std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<CommandParser> make_update_parser() { return std::make_unique<UpdateParser>(); }

}  // namespace ocirun::cli
