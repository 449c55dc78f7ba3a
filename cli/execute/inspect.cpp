// state, list, ps, events: read-only views of containers.
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include "execute/execute.hpp"
#include "ocirun/ocirun.hpp"
#include "output/container_json.hpp"
#include "output/go_json.hpp"
#include "output/table_writer.hpp"
#include "ocirun/unique_fd.hpp"

extern char** environ;

namespace ocirun::cli {
namespace {

// runc's list shows who owns the container's state directory, by name ("#UID" when unknown).
std::string state_dir_owner(const std::string& root, const std::string& id) {
    struct stat st {};
    if (::stat((root + "/" + id).c_str(), &st) != 0) return "";
    if (const passwd* pw = ::getpwuid(st.st_uid)) return pw->pw_name;
    return "#" + std::to_string(st.st_uid);
}

// Runs a host program and returns its stdout (ps(1) for `ocirun ps`).
std::string capture_output(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw sys_error("pipe");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw sys_error("run " + argv[0], rc);
    write_end.reset();
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(argv[0] + " failed with status " + std::to_string(WEXITSTATUS(status)));
    return out;
}

}  // namespace

int execute_state(const GlobalOptions& g, const StateCommand& cmd) {
    Runtime rt(runtime_options(g));
    std::cout << state_json(rt.open(cmd.id).state()) << std::flush;  // runc: no newline
    return 0;
}

int execute_list(const GlobalOptions& g, const ListCommand& cmd) {
    Runtime rt(runtime_options(g));
    // runc's list: a container it cannot load is a plain line on stderr, the rest are listed.
    const std::vector<ContainerState> states = rt.list([](const std::string& id, const std::string& error) {
        std::cerr << "load container " << id << ": " << error << '\n';
    });
    if (cmd.quiet) {
        for (const auto& s : states) std::cout << s.id << '\n';
        return 0;
    }
    std::vector<std::string> owners;
    for (const auto& s : states) owners.push_back(state_dir_owner(g.root, s.id));
    if (cmd.format == "json") {
        std::cout << list_json(states, owners);
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (size_t i = 0; i < states.size(); ++i) {
        const auto& s = states[i];
        rows.push_back({s.id, std::to_string(s.pid), to_string(s.status), s.bundle, s.created, owners[i]});
    }
    std::cout << format_table(rows);
    return 0;
}

int execute_ps(const GlobalOptions& g, const PsCommand& cmd) {
    Runtime rt(runtime_options(g));
    const std::vector<pid_t> pids = rt.open(cmd.id).processes();
    if (cmd.format == "json") {
        std::string out = "[";
        for (size_t i = 0; i < pids.size(); ++i) out += (i ? "," : "") + std::to_string(pids[i]);
        std::cout << out << "]\n";
        return 0;
    }
    // Table: ps(1)'s own output, reduced to the header and the container's processes.
    std::vector<std::string> argv{"ps"};
    if (cmd.ps_args.empty()) argv.push_back("-ef");
    else argv.insert(argv.end(), cmd.ps_args.begin(), cmd.ps_args.end());
    std::istringstream lines(capture_output(argv));
    std::string header;
    std::getline(lines, header);
    std::istringstream header_fields(header);
    size_t pid_column = 0;
    bool found = false;
    for (std::string f; header_fields >> f; ++pid_column)
        if (f == "PID") { found = true; break; }
    if (!found) throw Error("ps output has no PID column (ps arguments: " + header + ")");
    const std::set<pid_t> wanted(pids.begin(), pids.end());
    std::cout << header << '\n';
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string f;
        for (size_t i = 0; i <= pid_column && (fields >> f); ++i) {}
        try {
            if (wanted.count(static_cast<pid_t>(std::stol(f)))) std::cout << line << '\n';
        } catch (const std::exception&) {
            // a line without a number in the PID column is not one of ours
        }
    }
    return 0;
}

int execute_events(const GlobalOptions& g, const EventsCommand& cmd) {
    Runtime rt(runtime_options(g));
    Container c = rt.open(cmd.id);
    if (cmd.stats) {
        if (c.state().status == Status::Stopped)
            throw Error("container with id " + cmd.id + " is not running");  // runc's text
        std::cout << "{\"type\":\"stats\",\"id\":" << go_json_quote(cmd.id)
                  << ",\"data\":" << c.stats_json() << "}\n"
                  << std::flush;
        return 0;
    }
    // Stats every interval and OOM notices, one JSON object a line, until the container stops.
    c.watch_events(cmd.interval, [](const std::string& event) { std::cout << event << '\n' << std::flush; });
    return 0;
}

}  // namespace ocirun::cli
