#include "linux/id_mapping.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "ocirun/error.hpp"
#include "ocirun_host/proc.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {
namespace {

// One kind of map: uid or gid, with the names that go with it.
struct MapKind {
    const char* field;       // "linux.uidMappings"
    const char* proc_file;   // "uid_map"
    const char* helper;      // "newuidmap"
    const char* sub_file;    // "/etc/subuid"
    const char* id_word;     // "uid"
    unsigned own_id;         // the caller's euid / egid
};

MapKind uid_kind() { return {"linux.uidMappings", "uid_map", "newuidmap", "/etc/subuid", "uid", ::geteuid()}; }
MapKind gid_kind() { return {"linux.gidMappings", "gid_map", "newgidmap", "/etc/subgid", "gid", ::getegid()}; }

// The only map an unprivileged process may write itself: its own id, once.
bool is_own_single_id(const std::vector<spec::LinuxIDMapping>& maps, unsigned own_id) {
    return maps.size() == 1 && maps[0].hostID == own_id && maps[0].size == 1;
}

// Root in the initial user namespace may write any map: CAP_SETUID/CAP_SETGID there.
bool may_write_any_map() {
    return ::geteuid() == 0 && !host::running_in_user_namespace();
}

std::string find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path && *path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        const std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::string caller_name() {
    if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
    return std::to_string(::geteuid());
}

// Every entry other than the caller's own id must lie in one of its subordinate ranges.
void check_delegated(const std::vector<spec::LinuxIDMapping>& maps, const MapKind& kind) {
    const std::vector<SubordinateRange> ranges =
        subordinate_ranges(fileio::read_file_if_exists(kind.sub_file).value_or(""), caller_name(), ::geteuid());
    for (std::size_t i = 0; i < maps.size(); ++i) {
        const auto& m = maps[i];
        if (m.hostID == kind.own_id && m.size == 1) continue;  // newuidmap allows one's own id
        const unsigned long long first = m.hostID;
        const unsigned long long end = first + m.size;  // exclusive
        bool covered = false;
        for (const auto& r : ranges) covered = covered || (first >= r.start && end <= r.start + r.count);
        if (!covered)
            throw InvalidConfig::in_file("config.json", std::string(kind.field) + "[" + std::to_string(i) + "]", std::string("host ") +
                        kind.id_word + "s " + std::to_string(first) + "-" + std::to_string(end - 1) +
                        " are not given to " + caller_name() + " in " + kind.sub_file +
                        " (a non-root user can map only its own " + kind.id_word + " " +
                        std::to_string(kind.own_id) + " without " + kind.helper + " and ranges there)");
    }
}

IdMapWriter plan_one(const std::vector<spec::LinuxIDMapping>& maps, const MapKind& kind) {
    if (maps.empty()) return IdMapWriter::kNone;
    if (may_write_any_map() || is_own_single_id(maps, kind.own_id)) return IdMapWriter::kDirect;
    if (find_in_path(kind.helper).empty())
        throw InvalidConfig::in_file("config.json", kind.field, std::string("a non-root user can map only its own ") +
                    kind.id_word + " " + std::to_string(kind.own_id) + " itself; this mapping needs " + kind.helper +
                    " (Debian package uidmap), which is not in PATH");
    check_delegated(maps, kind);
    return IdMapWriter::kHelper;
}

// newuidmap PID C H S [C H S...]; its stderr becomes the error.
void run_helper(pid_t pid, const std::vector<spec::LinuxIDMapping>& maps, const MapKind& kind) {
    const std::string helper = find_in_path(kind.helper);
    if (helper.empty()) throw Error("config.json: " + std::string(kind.field) + ": " + kind.helper + " is not in PATH");
    std::vector<std::string> args{helper, std::to_string(pid)};
    for (const auto& m : maps) {
        args.push_back(std::to_string(m.containerID));
        args.push_back(std::to_string(m.hostID));
        args.push_back(std::to_string(m.size));
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw sys_error("pipe for " + std::string(kind.helper));
    UniqueFd read_end(err_pipe[0]);
    UniqueFd write_end(err_pipe[1]);
    const pid_t child = ::fork();
    if (child < 0) throw sys_error("fork " + std::string(kind.helper));
    if (child == 0) {
        ::dup2(write_end.get(), STDERR_FILENO);
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    write_end.reset();
    std::string output;
    char buf[512];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n > 0) output.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    throw Error("config.json: " + std::string(kind.field) + ": " + kind.helper + " failed" +
                (output.empty() ? std::string() : ": " + output));
}

void write_one(pid_t pid, const std::vector<spec::LinuxIDMapping>& maps, IdMapWriter how, const MapKind& kind) {
    if (how == IdMapWriter::kNone) return;
    if (how == IdMapWriter::kHelper) return run_helper(pid, maps, kind);
    try {
        fileio::write_existing("/proc/" + std::to_string(pid) + "/" + kind.proc_file, id_map_text(maps));
    } catch (const Error& e) {
        throw Error("config.json: " + std::string(kind.field) + ": " + e.what());
    }
}

}  // namespace

std::string id_map_text(const std::vector<spec::LinuxIDMapping>& maps) {
    std::string text;
    for (const auto& m : maps)
        text += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " + std::to_string(m.size) + "\n";
    return text;
}

std::vector<SubordinateRange> subordinate_ranges(const std::string& text, const std::string& name, unsigned id) {
    std::vector<SubordinateRange> out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto c1 = line.find(':');
        const auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        const std::string who = line.substr(0, c1);
        if (who != name && who != std::to_string(id)) continue;
        try {
            out.push_back({std::stoull(line.substr(c1 + 1, c2 - c1 - 1)), std::stoull(line.substr(c2 + 1))});
        } catch (const std::exception&) {
            // a malformed line gives nothing, as for the shadow tools
        }
    }
    return out;
}

IdMapPlan plan_id_maps(const spec::Linux& lx, bool deny_setgroups) {
    IdMapPlan plan;
    plan.uid = plan_one(lx.uidMappings, uid_kind());
    plan.gid = plan_one(lx.gidMappings, gid_kind());
    // The kernel lets an unprivileged process write its gid map only once setgroups is denied;
    // through newgidmap, setgroups stays allowed (as runc leaves it).
    const bool direct_gid = plan.gid == IdMapWriter::kDirect;
    plan.deny_setgroups = (deny_setgroups && plan.gid != IdMapWriter::kHelper) || (direct_gid && !may_write_any_map());
    return plan;
}

void write_id_maps(pid_t pid, const spec::Linux& lx, const IdMapPlan& plan) {
    if (plan.deny_setgroups) fileio::write_existing("/proc/" + std::to_string(pid) + "/setgroups", "deny");
    write_one(pid, lx.uidMappings, plan.uid, uid_kind());
    write_one(pid, lx.gidMappings, plan.gid, gid_kind());
}

}  // namespace ocirun::linux_init
