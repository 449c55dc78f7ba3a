// What the command line asked for, parsed but not yet acted on. Parsing (app.cpp) fills these;
// execution (commands/*.cpp) reads them. Flag names are runc 1.1's.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ocirun::cli {

struct GlobalOptions {
    std::string root = "/run/ocirun";  // --root (the parser sets default_state_root(): state_root.hpp)
    std::string log;                   // --log (empty: stderr)
    std::string log_format = "text";   // --log-format text|json
    bool debug = false;                // --debug
    bool systemd_cgroup = false;       // --systemd-cgroup
    std::string rootless = "auto";     // --rootless true|false|auto
    std::string criu = "criu";         // --criu (for checkpoint/restore)
};

struct SpecCommand {
    std::string bundle;  // -b: where config.json goes (default: the current directory)
    bool rootless = false;
};

// Shared by create and run.
struct CreateCommand {
    std::string id;
    std::string bundle;  // -b (default: the current directory)
    std::string console_socket;
    std::string pid_file;
    bool no_pivot = false;
    bool no_new_keyring = false;
    unsigned preserve_fds = 0;
};

struct RunCommand {
    CreateCommand create;
    bool detach = false;        // -d
    bool keep = false;          // keep the state after the container exits
    bool no_subreaper = false;
};

struct StartCommand { std::string id; };
struct StateCommand { std::string id; };
struct PauseCommand { std::string id; };
struct ResumeCommand { std::string id; };

struct ListCommand {
    std::string format = "table";  // -f table|json
    bool quiet = false;            // -q
};

struct KillCommand {
    std::string id;
    std::string signal = "SIGTERM";  // number, NAME or SIGNAME
    bool all = false;                // -a
};

struct DeleteCommand {
    std::string id;
    bool force = false;  // -f
};

struct ExecCommand {
    std::string id;
    std::vector<std::string> args;  // the command and its arguments (unless --process)
    std::string console_socket;
    std::string cwd;
    std::vector<std::string> env;              // -e, repeatable
    bool tty = false;                          // -t
    std::string user;                          // -u uid[:gid]
    std::vector<std::string> additional_gids;  // -g, repeatable
    std::string process;                       // -p process.json
    bool detach = false;                       // -d
    std::string pid_file;
    std::string process_label;
    std::string apparmor;
    bool no_new_privs = false;
    std::vector<std::string> caps;  // -c, repeatable
    unsigned preserve_fds = 0;
    std::vector<std::string> cgroup;  // [controller:]path, repeatable
    bool ignore_paused = false;
};

struct PsCommand {
    std::string id;
    std::string format = "table";   // -f table|json
    std::vector<std::string> ps_args;  // passed to ps(1) for the table (default -ef)
};

struct UpdateCommand {
    std::string id;
    std::string resources;  // -r FILE or "-" (stdin); other flags are ignored then
    std::optional<std::string> blkio_weight, cpu_period, cpu_quota, cpu_share, cpu_rt_period,
        cpu_rt_runtime, cpuset_cpus, cpuset_mems, memory, memory_reservation, memory_swap,
        pids_limit, l3_cache_schema, mem_bw_schema, kernel_memory, kernel_memory_tcp;
};

struct EventsCommand {
    std::string id;
    std::chrono::milliseconds interval{5000};  // Go duration syntax on the command line
    bool stats = false;
};

struct CheckpointCommand {
    std::string id;
    std::string image_path, work_path, parent_path;
    bool leave_running = false, tcp_established = false, ext_unix_sk = false, shell_job = false,
         lazy_pages = false, file_locks = false, pre_dump = false, auto_dedup = false;
    int status_fd = -1;
    std::string page_server;
    std::string manage_cgroups_mode;
    std::vector<std::string> empty_ns;
};

struct RestoreCommand {
    std::string id;
    std::string console_socket, image_path, work_path, bundle, pid_file, manage_cgroups_mode,
        lsm_profile, lsm_mount_context;
    std::string parent_path;  // not in runc 1.1's restore, but containerd's go-runc sends it
    bool tcp_established = false, ext_unix_sk = false, shell_job = false, file_locks = false,
         detach = false, no_subreaper = false, no_pivot = false, auto_dedup = false,
         lazy_pages = false;
    std::vector<std::string> empty_ns;
};

struct FeaturesCommand {};

struct PluginsCommand {
    std::string format = "table";  // -f table|json
};

using Command = std::variant<SpecCommand, CreateCommand, RunCommand, StartCommand, StateCommand,
                             ListCommand, KillCommand, DeleteCommand, ExecCommand, PsCommand,
                             PauseCommand, ResumeCommand, UpdateCommand, EventsCommand,
                             CheckpointCommand, RestoreCommand, FeaturesCommand, PluginsCommand>;

struct Invocation {
    GlobalOptions global;
    Command command;
};

}  // namespace ocirun::cli
