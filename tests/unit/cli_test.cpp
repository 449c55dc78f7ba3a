// cli/: Go-style argv normalisation, every command's flags, the argv sets real clients send,
// usage errors, and runc-shaped output formatting. Nothing here runs a container.
#include <csignal>
#include <gtest/gtest.h>

#include "app.hpp"
#include "argv_normalize.hpp"
#include "go_duration.hpp"
#include "ocirun/error.hpp"
#include "output/container_json.hpp"
#include "output/signal_names.hpp"
#include "output/table_writer.hpp"

using namespace ocirun::cli;
using Args = std::vector<std::string>;

namespace {

Invocation parse_ok(const Args& args) {
    ParseOutcome p = parse_command_line(args);
    if (!p.invocation) {
        ADD_FAILURE() << "parse failed: " << p.error_message;
        return Invocation{};
    }
    EXPECT_EQ(p.exit_code, 0);
    return *p.invocation;
}

template <class T>
T parse_as(const Args& args) {
    Invocation inv = parse_ok(args);
    const T* cmd = std::get_if<T>(&inv.command);
    if (!cmd) {
        ADD_FAILURE() << "parsed into another command (index " << inv.command.index() << ")";
        return T{};
    }
    return *cmd;
}

std::string parse_error(const Args& args) {
    ParseOutcome p = parse_command_line(args);
    EXPECT_FALSE(p.invocation.has_value());
    EXPECT_NE(p.exit_code, 0);
    return p.error_message;
}

}  // namespace

// ---- normalisation -------------------------------------------------------------------------

TEST(ArgvNormalize, RewritesGoStyleFlags) {
    ArgvGrammar g;
    g.global.long_names = {"root", "debug"};
    g.global.value_flags = {"root"};
    FlagScope run;
    run.long_names = {"bundle", "detach", "pid-file"};
    run.short_to_long = {{'b', "bundle"}, {'d', "detach"}};
    run.value_flags = {"bundle", "b", "pid-file"};
    g.commands["run"] = run;

    EXPECT_EQ(normalize_argv({"-root", "/r", "-debug", "run", "-bundle=/b", "-d", "x"}, g),
              (Args{"--root", "/r", "--debug", "run", "--bundle=/b", "-d", "--", "x"}));
    // --b (a letter after two dashes) and -d=false (CLI11 has no -x=v).
    EXPECT_EQ(normalize_argv({"run", "--b", "/b", "-d=false", "x"}, g),
              (Args{"run", "-b", "/b", "--detach=false", "--", "x"}));
    // Flags after positionals; a flag's value is never rewritten even if it looks like a flag.
    EXPECT_EQ(normalize_argv({"run", "x", "-pid-file", "-weird", "-detach"}, g),
              (Args{"run", "--pid-file", "-weird", "--detach", "--", "x"}));
    // Unknown flags pass through for the parser to report.
    EXPECT_EQ(normalize_argv({"run", "-bogus", "x"}, g), (Args{"run", "-bogus", "--", "x"}));
    // An explicit -- ends the flags.
    EXPECT_EQ(normalize_argv({"run", "--", "-d"}, g), (Args{"run", "--", "-d"}));
}

TEST(ArgvNormalize, ProgramArgumentsAfterTheIdAreLeftAlone) {
    ArgvGrammar g;
    FlagScope exec;
    exec.long_names = {"detach", "env"};
    exec.short_to_long = {{'d', "detach"}, {'e', "env"}};
    exec.value_flags = {"env", "e"};
    exec.program_after_first_positional = true;
    g.commands["exec"] = exec;
    EXPECT_EQ(normalize_argv({"exec", "-d", "-e", "A=1", "x", "ls", "-la", "-detach"}, g),
              (Args{"exec", "-d", "-e", "A=1", "--", "x", "ls", "-la", "-detach"}));
}

TEST(ArgvNormalize, NegativeNumbersAreNotFlags) {
    ArgvGrammar g;
    g.commands["kill"] = FlagScope{};
    EXPECT_EQ(normalize_argv({"kill", "x", "-9"}, g), (Args{"kill", "--", "x", "-9"}));
}

TEST(ArgvNormalize, GrammarComesFromTheCommandDefinitions) {
    ArgvGrammar g = command_line_grammar();
    EXPECT_TRUE(g.global.long_names.count("root"));
    EXPECT_TRUE(g.global.value_flags.count("root"));
    EXPECT_FALSE(g.global.value_flags.count("debug"));
    ASSERT_TRUE(g.commands.count("create"));
    EXPECT_EQ(g.commands["create"].short_to_long['b'], "bundle");
    EXPECT_TRUE(g.commands["exec"].program_after_first_positional);
    EXPECT_TRUE(g.commands["ps"].program_after_first_positional);
    EXPECT_FALSE(g.commands["kill"].program_after_first_positional);
    EXPECT_EQ(g.commands.size(), 18u);
}

// ---- global flags --------------------------------------------------------------------------

TEST(CliParse, GlobalFlagsAndDefaults) {
    Invocation inv = parse_ok({"list"});
    EXPECT_EQ(inv.global.root, "/run/ocirun");
    EXPECT_EQ(inv.global.log_format, "text");
    EXPECT_EQ(inv.global.rootless, "auto");
    EXPECT_FALSE(inv.global.debug);

    inv = parse_ok({"--root", "/r", "--log", "/l", "--log-format", "json", "--debug",
                    "--systemd-cgroup", "--rootless", "true", "--criu", "/c", "list"});
    EXPECT_EQ(inv.global.root, "/r");
    EXPECT_EQ(inv.global.log, "/l");
    EXPECT_EQ(inv.global.log_format, "json");
    EXPECT_TRUE(inv.global.debug);
    EXPECT_TRUE(inv.global.systemd_cgroup);
    EXPECT_EQ(inv.global.rootless, "true");
    EXPECT_EQ(inv.global.criu, "/c");

    inv = parse_ok({"-root=/r2", "-log-format=json", "-debug=false", "--rootless=false", "list"});
    EXPECT_EQ(inv.global.root, "/r2");
    EXPECT_EQ(inv.global.log_format, "json");
    EXPECT_FALSE(inv.global.debug);
    EXPECT_EQ(inv.global.rootless, "false");
    inv = parse_ok({"--debug=true", "--systemd-cgroup=false", "list"});
    EXPECT_TRUE(inv.global.debug);
    EXPECT_FALSE(inv.global.systemd_cgroup);
}

TEST(CliParse, BadGlobalValuesAreUsageErrors) {
    EXPECT_NE(parse_error({"--log-format", "xml", "list"}).find("--log-format"), std::string::npos);
    EXPECT_NE(parse_error({"--rootless", "maybe", "list"}).find("--rootless"), std::string::npos);
}

TEST(CliParse, VersionAndHelp) {
    for (const char* flag : {"--version", "-v", "-version"}) {
        ParseOutcome p = parse_command_line({flag});
        EXPECT_FALSE(p.invocation);
        EXPECT_EQ(p.exit_code, 0);
        EXPECT_EQ(p.out, version_text());
    }
    const std::string v = version_text();
    EXPECT_EQ(v.rfind("ocirun version 0.1.0\ncommit: ", 0), 0u) << v;
    EXPECT_NE(v.find("\nspec: 1.3.0\n"), std::string::npos) << v;
    EXPECT_EQ(std::count(v.begin(), v.end(), '\n'), 3);

    ParseOutcome p = parse_command_line({"--help"});
    EXPECT_EQ(p.exit_code, 0);
    EXPECT_NE(p.out.find("checkpoint"), std::string::npos);
    p = parse_command_line({"kill", "--help"});
    EXPECT_NE(p.out.find("--all"), std::string::npos) << p.out;
    p = parse_command_line({"help", "delete"});
    EXPECT_NE(p.out.find("--force"), std::string::npos) << p.out;
    p = parse_command_line({});
    EXPECT_EQ(p.exit_code, 0);
    EXPECT_NE(p.out.find("Usage"), std::string::npos) << p.out;
}

TEST(CliParse, UnknownCommandAndFlagAreNamed) {
    std::string msg = parse_error({"bogus"});
    EXPECT_NE(msg.find("\"bogus\""), std::string::npos) << msg;
    msg = parse_error({"state", "--bogus", "x"});
    EXPECT_NE(msg.find("--bogus"), std::string::npos) << msg;
    msg = parse_error({"-bogus", "list"});
    EXPECT_NE(msg.find("bogus"), std::string::npos) << msg;
    ParseOutcome p = parse_command_line({"state", "--bogus", "x"});
    EXPECT_EQ(p.usage.rfind("Incorrect Usage: ", 0), 0u) << p.usage;
}

TEST(CliParse, ArgumentCountsUseRuncsText) {
    EXPECT_EQ(parse_error({"state"}), "ocirun: \"state\" requires exactly 1 argument(s)");
    EXPECT_EQ(parse_error({"start", "a", "b"}), "ocirun: \"start\" requires exactly 1 argument(s)");
    EXPECT_EQ(parse_error({"kill"}), "ocirun: \"kill\" requires a minimum of 1 argument(s)");
    EXPECT_EQ(parse_error({"kill", "a", "9", "x"}), "ocirun: \"kill\" requires a maximum of 2 argument(s)");
    EXPECT_EQ(parse_error({"list", "x"}), "ocirun: \"list\" requires exactly 0 argument(s)");
    EXPECT_NE(parse_error({"exec", "x"}).find("requires a command"), std::string::npos);
}

// ---- each command --------------------------------------------------------------------------

TEST(CliParse, Spec) {
    SpecCommand c = parse_as<SpecCommand>({"spec"});
    EXPECT_EQ(c.bundle, "");
    EXPECT_FALSE(c.rootless);
    c = parse_as<SpecCommand>({"spec", "-b", "/b", "--rootless"});
    EXPECT_EQ(c.bundle, "/b");
    EXPECT_TRUE(c.rootless);
    c = parse_as<SpecCommand>({"spec", "-bundle=/c", "-rootless=false"});
    EXPECT_EQ(c.bundle, "/c");
    EXPECT_FALSE(c.rootless);
}

TEST(CliParse, Create) {
    CreateCommand c = parse_as<CreateCommand>({"create", "--bundle", "/b", "--pid-file", "/p",
                                               "--console-socket", "/s", "--no-pivot",
                                               "--no-new-keyring", "--preserve-fds", "2", "id1"});
    EXPECT_EQ(c.id, "id1");
    EXPECT_EQ(c.bundle, "/b");
    EXPECT_EQ(c.pid_file, "/p");
    EXPECT_EQ(c.console_socket, "/s");
    EXPECT_TRUE(c.no_pivot);
    EXPECT_TRUE(c.no_new_keyring);
    EXPECT_EQ(c.preserve_fds, 2u);
    c = parse_as<CreateCommand>({"create", "id2", "-b", "/b2", "-no-pivot=true", "--preserve-fds=1"});
    EXPECT_EQ(c.id, "id2");
    EXPECT_EQ(c.bundle, "/b2");
    EXPECT_TRUE(c.no_pivot);
    EXPECT_EQ(c.preserve_fds, 1u);
    EXPECT_NE(parse_error({"create", "--preserve-fds", "many", "x"}).find("preserve-fds"),
              std::string::npos);
}

TEST(CliParse, Run) {
    RunCommand c = parse_as<RunCommand>({"run", "-d", "--keep", "--no-subreaper", "-b", "/b",
                                         "--pid-file=/p", "--preserve-fds", "3", "r1"});
    EXPECT_EQ(c.create.id, "r1");
    EXPECT_TRUE(c.detach);
    EXPECT_TRUE(c.keep);
    EXPECT_TRUE(c.no_subreaper);
    EXPECT_EQ(c.create.bundle, "/b");
    EXPECT_EQ(c.create.pid_file, "/p");
    EXPECT_EQ(c.create.preserve_fds, 3u);
    c = parse_as<RunCommand>({"run", "r2", "--detach=false", "-no-new-keyring"});
    EXPECT_FALSE(c.detach);
    EXPECT_TRUE(c.create.no_new_keyring);
}

TEST(CliParse, IdOnlyCommands) {
    EXPECT_EQ(parse_as<StartCommand>({"start", "a"}).id, "a");
    EXPECT_EQ(parse_as<StateCommand>({"state", "b"}).id, "b");
    EXPECT_EQ(parse_as<PauseCommand>({"pause", "c"}).id, "c");
    EXPECT_EQ(parse_as<ResumeCommand>({"resume", "d"}).id, "d");
}

TEST(CliParse, List) {
    ListCommand c = parse_as<ListCommand>({"list"});
    EXPECT_EQ(c.format, "table");
    EXPECT_FALSE(c.quiet);
    c = parse_as<ListCommand>({"list", "-f", "json", "-q"});
    EXPECT_EQ(c.format, "json");
    EXPECT_TRUE(c.quiet);
    c = parse_as<ListCommand>({"list", "--format=json", "--quiet=false"});
    EXPECT_FALSE(c.quiet);
    EXPECT_NE(parse_error({"list", "--format", "xml"}).find("--format"), std::string::npos);
}

TEST(CliParse, Kill) {
    KillCommand c = parse_as<KillCommand>({"kill", "k"});
    EXPECT_EQ(c.id, "k");
    EXPECT_EQ(c.signal, "SIGTERM");
    EXPECT_FALSE(c.all);
    c = parse_as<KillCommand>({"kill", "--all", "k", "9"});
    EXPECT_TRUE(c.all);
    EXPECT_EQ(c.signal, "9");
    c = parse_as<KillCommand>({"kill", "k", "KILL", "-a"});  // flag after the positionals
    EXPECT_TRUE(c.all);
    EXPECT_EQ(c.signal, "KILL");
    c = parse_as<KillCommand>({"kill", "-all=false", "k", "SIGUSR1"});
    EXPECT_FALSE(c.all);
    EXPECT_EQ(c.signal, "SIGUSR1");
}

TEST(CliParse, Delete) {
    DeleteCommand c = parse_as<DeleteCommand>({"delete", "x"});
    EXPECT_FALSE(c.force);
    EXPECT_TRUE(parse_as<DeleteCommand>({"delete", "-f", "x"}).force);
    EXPECT_TRUE(parse_as<DeleteCommand>({"delete", "x", "--force"}).force);
    EXPECT_TRUE(parse_as<DeleteCommand>({"delete", "-force", "x"}).force);
}

TEST(CliParse, ExecFlagsStopAtTheId) {
    ExecCommand c = parse_as<ExecCommand>(
        {"exec", "--console-socket", "/s", "--cwd", "/w", "-e", "A=1", "--env", "B=2", "-t",
         "-u", "1:2", "-g", "10", "--additional-gids", "11", "-d", "--pid-file", "/p",
         "--process-label", "L", "--apparmor", "P", "--no-new-privs", "-c", "CAP_NET_ADMIN",
         "--cap", "CAP_SYS_ADMIN", "--preserve-fds", "1", "--cgroup", "cpu:/x", "--ignore-paused",
         "id", "sh", "-c", "echo -d"});
    EXPECT_EQ(c.id, "id");
    EXPECT_EQ(c.args, (Args{"sh", "-c", "echo -d"}));
    EXPECT_EQ(c.console_socket, "/s");
    EXPECT_EQ(c.cwd, "/w");
    EXPECT_EQ(c.env, (Args{"A=1", "B=2"}));
    EXPECT_TRUE(c.tty);
    EXPECT_EQ(c.user, "1:2");
    EXPECT_EQ(c.additional_gids, (Args{"10", "11"}));
    EXPECT_TRUE(c.detach);
    EXPECT_EQ(c.pid_file, "/p");
    EXPECT_EQ(c.process_label, "L");
    EXPECT_EQ(c.apparmor, "P");
    EXPECT_TRUE(c.no_new_privs);
    EXPECT_EQ(c.caps, (Args{"CAP_NET_ADMIN", "CAP_SYS_ADMIN"}));
    EXPECT_EQ(c.preserve_fds, 1u);
    EXPECT_EQ(c.cgroup, (Args{"cpu:/x"}));
    EXPECT_TRUE(c.ignore_paused);
    c = parse_as<ExecCommand>({"exec", "-p", "/proc.json", "id"});
    EXPECT_EQ(c.process, "/proc.json");
    EXPECT_TRUE(c.args.empty());
}

TEST(CliParse, Ps) {
    PsCommand c = parse_as<PsCommand>({"ps", "x"});
    EXPECT_EQ(c.format, "table");
    EXPECT_TRUE(c.ps_args.empty());
    c = parse_as<PsCommand>({"ps", "-f", "json", "x"});
    EXPECT_EQ(c.format, "json");
    c = parse_as<PsCommand>({"ps", "x", "-o", "pid,comm"});
    EXPECT_EQ(c.ps_args, (Args{"-o", "pid,comm"}));
}

TEST(CliParse, Update) {
    UpdateCommand c = parse_as<UpdateCommand>({"update", "--resources=-", "x"});
    EXPECT_EQ(c.resources, "-");
    c = parse_as<UpdateCommand>(
        {"update", "-r", "/r.json", "--blkio-weight", "500", "--cpu-period", "100000",
         "--cpu-quota", "50000", "--cpu-share", "512", "--cpu-rt-period", "1", "--cpu-rt-runtime",
         "2", "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--memory", "1048576",
         "--memory-reservation", "524288", "--memory-swap", "-1", "--pids-limit", "10",
         "--l3-cache-schema", "L3:0=f", "--mem-bw-schema", "MB:0=50", "x"});
    EXPECT_EQ(c.resources, "/r.json");
    EXPECT_EQ(c.blkio_weight, "500");
    EXPECT_EQ(c.cpu_period, "100000");
    EXPECT_EQ(c.cpu_quota, "50000");
    EXPECT_EQ(c.cpu_share, "512");
    EXPECT_EQ(c.cpu_rt_period, "1");
    EXPECT_EQ(c.cpu_rt_runtime, "2");
    EXPECT_EQ(c.cpuset_cpus, "0-1");
    EXPECT_EQ(c.cpuset_mems, "0");
    EXPECT_EQ(c.memory, "1048576");
    EXPECT_EQ(c.memory_reservation, "524288");
    EXPECT_EQ(c.memory_swap, "-1");
    EXPECT_EQ(c.pids_limit, "10");
    EXPECT_EQ(c.l3_cache_schema, "L3:0=f");
    EXPECT_EQ(c.mem_bw_schema, "MB:0=50");
    EXPECT_FALSE(parse_as<UpdateCommand>({"update", "x"}).memory.has_value());
}

TEST(CliParse, Events) {
    EventsCommand c = parse_as<EventsCommand>({"events", "x"});
    EXPECT_EQ(c.interval, std::chrono::seconds(5));
    EXPECT_FALSE(c.stats);
    c = parse_as<EventsCommand>({"events", "--interval=100ms", "--stats", "x"});
    EXPECT_EQ(c.interval, std::chrono::milliseconds(100));
    EXPECT_TRUE(c.stats);
    EXPECT_NE(parse_error({"events", "--interval", "5", "x"}).find("--interval"), std::string::npos);
}

TEST(CliParse, Checkpoint) {
    CheckpointCommand c = parse_as<CheckpointCommand>(
        {"checkpoint", "--image-path", "/i", "--work-path", "/w", "--parent-path", "../p",
         "--leave-running", "--tcp-established", "--ext-unix-sk", "--shell-job", "--lazy-pages",
         "--status-fd", "5", "--page-server", "1.2.3.4:5", "--file-locks", "--pre-dump",
         "--manage-cgroups-mode", "full", "--empty-ns", "network", "--empty-ns", "ipc",
         "--auto-dedup", "x"});
    EXPECT_EQ(c.id, "x");
    EXPECT_EQ(c.image_path, "/i");
    EXPECT_EQ(c.work_path, "/w");
    EXPECT_EQ(c.parent_path, "../p");
    EXPECT_TRUE(c.leave_running && c.tcp_established && c.ext_unix_sk && c.shell_job &&
                c.lazy_pages && c.file_locks && c.pre_dump && c.auto_dedup);
    EXPECT_EQ(c.status_fd, 5);
    EXPECT_EQ(c.page_server, "1.2.3.4:5");
    EXPECT_EQ(c.manage_cgroups_mode, "full");
    EXPECT_EQ(c.empty_ns, (Args{"network", "ipc"}));
    EXPECT_EQ(parse_as<CheckpointCommand>({"checkpoint", "x"}).status_fd, -1);
}

TEST(CliParse, Restore) {
    RestoreCommand c = parse_as<RestoreCommand>(
        {"restore", "--console-socket", "/s", "--image-path", "/i", "--work-path", "/w",
         "--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks",
         "--manage-cgroups-mode", "soft", "-b", "/b", "-d", "--pid-file", "/p", "--no-subreaper",
         "--no-pivot", "--empty-ns", "network", "--auto-dedup", "--lazy-pages", "--lsm-profile",
         "selinux:x", "--lsm-mount-context", "ctx", "x"});
    EXPECT_EQ(c.id, "x");
    EXPECT_EQ(c.console_socket, "/s");
    EXPECT_EQ(c.bundle, "/b");
    EXPECT_EQ(c.pid_file, "/p");
    EXPECT_TRUE(c.tcp_established && c.ext_unix_sk && c.shell_job && c.file_locks && c.detach &&
                c.no_subreaper && c.no_pivot && c.auto_dedup && c.lazy_pages);
    EXPECT_EQ(c.empty_ns, (Args{"network"}));
    EXPECT_EQ(c.lsm_profile, "selinux:x");
    EXPECT_EQ(c.lsm_mount_context, "ctx");
}

TEST(CliParse, FeaturesAndPlugins) {
    parse_as<FeaturesCommand>({"features"});
    EXPECT_EQ(parse_as<PluginsCommand>({"plugins"}).format, "table");
    EXPECT_EQ(parse_as<PluginsCommand>({"plugins", "--format", "json"}).format, "json");
}

// ---- what real clients send (clients-contract.md) -------------------------------------------

TEST(CliClients, ContainerdShim) {
    const Args g{"--root", "/run/containerd/runc/k8s.io", "--log", "/b/log.json", "--log-format",
                 "json"};
    auto with = [&](Args rest) {
        Args a = g;
        a.insert(a.end(), rest.begin(), rest.end());
        return a;
    };
    Invocation inv = parse_ok(with({"create", "--bundle", "/b", "--pid-file", "/b/init.pid",
                                    "--console-socket", "/s.sock", "--no-pivot", "--no-new-keyring", "c1"}));
    EXPECT_EQ(inv.global.root, "/run/containerd/runc/k8s.io");
    EXPECT_EQ(inv.global.log, "/b/log.json");
    EXPECT_EQ(inv.global.log_format, "json");
    auto create = std::get<CreateCommand>(inv.command);
    EXPECT_EQ(create.pid_file, "/b/init.pid");
    EXPECT_TRUE(create.no_pivot && create.no_new_keyring);
    parse_as<StartCommand>(with({"start", "c1"}));
    parse_as<PauseCommand>(with({"pause", "c1"}));
    parse_as<ResumeCommand>(with({"resume", "c1"}));
    KillCommand k = parse_as<KillCommand>(with({"kill", "--all", "c1", "9"}));
    EXPECT_TRUE(k.all);
    EXPECT_EQ(k.signal, "9");
    EXPECT_EQ(parse_as<KillCommand>(with({"kill", "c1", "15"})).signal, "15");
    EXPECT_FALSE(parse_as<DeleteCommand>(with({"delete", "c1"})).force);
    EXPECT_TRUE(parse_as<DeleteCommand>(with({"delete", "--force", "c1"})).force);
    ExecCommand e = parse_as<ExecCommand>(with({"exec", "--process", "/tmp/p.json", "--detach",
                                                "--pid-file", "/b/e1.pid", "--console-socket",
                                                "/s.sock", "c1"}));
    EXPECT_EQ(e.process, "/tmp/p.json");
    EXPECT_TRUE(e.detach);
    EXPECT_EQ(e.pid_file, "/b/e1.pid");
    EXPECT_EQ(parse_as<PsCommand>(with({"ps", "--format", "json", "c1"})).format, "json");
    EXPECT_EQ(parse_as<UpdateCommand>(with({"update", "--resources=-", "c1"})).resources, "-");
    CheckpointCommand cp = parse_as<CheckpointCommand>(
        with({"checkpoint", "--image-path", "/i", "--work-path", "/w", "--parent-path", "/p",
              "--leave-running", "--tcp-established", "--ext-unix-sk", "--shell-job",
              "--file-locks", "--empty-ns", "network", "c1"}));
    EXPECT_TRUE(cp.leave_running);
    EXPECT_EQ(cp.empty_ns, (Args{"network"}));
    RestoreCommand r = parse_as<RestoreCommand>(
        with({"restore", "--image-path", "/i", "--work-path", "/w", "--parent-path", "/x",
              "--detach", "--pid-file", "/b/init.pid", "--console-socket", "/s", "--no-pivot",
              "-no-subreaper", "--bundle", "/b", "c1"}));
    EXPECT_TRUE(r.no_subreaper && r.detach && r.no_pivot);
    EXPECT_EQ(r.parent_path, "/x");  // not in runc 1.1's help, but go-runc sends it
    EXPECT_EQ(r.bundle, "/b");
    parse_as<FeaturesCommand>({"features"});
    // --systemd-cgroup and --rootless=... also come before the command.
    inv = parse_ok({"--root", "/r", "--systemd-cgroup", "--rootless=false", "state", "c1"});
    EXPECT_TRUE(inv.global.systemd_cgroup);
    EXPECT_EQ(inv.global.rootless, "false");
}

TEST(CliClients, PodmanConmon) {
    Invocation inv = parse_ok({"--systemd-cgroup", "--log-format=json", "--log", "/ud/log",
                               "create", "--bundle", "/b", "--pid-file", "/p", "--no-pivot",
                               "--no-new-keyring", "--console-socket", "/s", "cid"});
    EXPECT_TRUE(inv.global.systemd_cgroup);
    EXPECT_EQ(inv.global.log_format, "json");
    EXPECT_EQ(inv.global.log, "/ud/log");
    EXPECT_EQ(std::get<CreateCommand>(inv.command).id, "cid");
    ExecCommand e = parse_as<ExecCommand>({"exec", "--pid-file", "/p", "--process", "/f",
                                           "--detach", "--console-socket", "/s", "cid"});
    EXPECT_EQ(e.id, "cid");
    EXPECT_EQ(e.process, "/f");
    parse_as<StateCommand>({"state", "cid"});
    EXPECT_EQ(parse_as<KillCommand>({"kill", "--all", "cid", "9"}).signal, "9");
    EXPECT_TRUE(parse_as<DeleteCommand>({"delete", "--force", "cid"}).force);
    EXPECT_EQ(parse_as<UpdateCommand>({"update", "--resources", "/r.json", "cid"}).resources, "/r.json");
    EXPECT_EQ(parse_command_line({"--version"}).out, version_text());
}

// ---- output and value formats --------------------------------------------------------------

TEST(CliOutput, TableMatchesRuncList) {
    // Measured from `runc list`: tabwriter minwidth 12, padding 3, last column unpadded.
    const std::string t = format_table({{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"},
                                        {"x", "7227", "running", "/tmp/b",
                                         "2026-11-26T10:46:05.223976513Z", "root"}});
    EXPECT_EQ(t,
              "ID          PID         STATUS      BUNDLE      CREATED                          OWNER\n"
              "x           7227        running     /tmp/b      2026-11-26T10:46:05.223976513Z   root\n");
    EXPECT_EQ(format_table({{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}}),
              "ID          PID         STATUS      BUNDLE      CREATED     OWNER\n");
}

TEST(CliOutput, StateJsonMatchesRunc) {
    ocirun::ContainerState s;
    s.ociVersion = "1.0.2-dev";
    s.id = "x";
    s.pid = 7227;
    s.status = ocirun::Status::Running;
    s.bundle = "/tmp/b";
    s.rootfs = "/tmp/b/rootfs";
    s.created = "2026-11-26T10:46:05.223976513Z";
    // Byte for byte what runc 1.1 printed for this container (no trailing newline).
    EXPECT_EQ(state_json(s),
              "{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"id\": \"x\",\n  \"pid\": 7227,\n"
              "  \"status\": \"running\",\n  \"bundle\": \"/tmp/b\",\n  \"rootfs\": \"/tmp/b/rootfs\",\n"
              "  \"created\": \"2026-11-26T10:46:05.223976513Z\",\n  \"owner\": \"\"\n}");
    s.annotations = {{"b", "2"}, {"a", "<1>"}};
    const std::string j = state_json(s);
    EXPECT_NE(j.find(",\n  \"annotations\": {\n    \"a\": \"\\u003c1\\u003e\",\n    \"b\": \"2\"\n  }\n}"),
              std::string::npos)
        << j;
}

TEST(CliOutput, ListJsonMatchesRunc) {
    EXPECT_EQ(list_json({}, {}), "null\n");
    ocirun::ContainerState s;
    s.ociVersion = "1.0.2-dev";
    s.id = "x";
    s.pid = 0;
    s.status = ocirun::Status::Stopped;
    s.bundle = "/tmp/b";
    s.rootfs = "/tmp/b/rootfs";
    s.created = "2026-11-26T10:46:05.223976513Z";
    EXPECT_EQ(list_json({s}, {"root"}),
              "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"x\",\"pid\":0,\"status\":\"stopped\","
              "\"bundle\":\"/tmp/b\",\"rootfs\":\"/tmp/b/rootfs\","
              "\"created\":\"2026-11-26T10:46:05.223976513Z\",\"owner\":\"root\"}]\n");
}

TEST(CliValues, Signals) {
    EXPECT_EQ(parse_signal("9"), SIGKILL);
    EXPECT_EQ(parse_signal("KILL"), SIGKILL);
    EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
    EXPECT_EQ(parse_signal("sigterm"), SIGTERM);
    EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
    EXPECT_EQ(parse_signal("SIGRTMIN+2"), SIGRTMIN + 2);
    EXPECT_EQ(parse_signal("RTMAX-1"), SIGRTMAX - 1);
    EXPECT_EQ(parse_signal("0"), 0);
    for (const char* bad : {"FOO", "SIGFOO", "", "-1", "9x", "RTMIN+99"}) {
        try {
            parse_signal(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const ocirun::Error& e) {
            EXPECT_EQ(std::string(e.what()), std::string("unknown signal \"") + bad + "\"");
        }
    }
}

TEST(CliValues, GoDurations) {
    using std::chrono::milliseconds;
    EXPECT_EQ(parse_go_duration("5s"), milliseconds(5000));
    EXPECT_EQ(parse_go_duration("100ms"), milliseconds(100));
    EXPECT_EQ(parse_go_duration("1m30s"), milliseconds(90000));
    EXPECT_EQ(parse_go_duration("1.5h"), milliseconds(5400000));
    EXPECT_EQ(parse_go_duration("2500us"), milliseconds(2));
    EXPECT_EQ(parse_go_duration("0"), milliseconds(0));
    for (const char* bad : {"", "5", "s", "5x", "1..5s", "abc"})
        EXPECT_THROW(parse_go_duration(bad), std::invalid_argument) << bad;
}
