#include "container/process_info.hpp"

#include <dirent.h>
#include <sys/wait.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <string>

#include "util/file_io.hpp"

namespace ocirun::container {
namespace {

struct StatFields {
    char state = '?';
    pid_t ppid = 0;
    unsigned long long start_time = 0;
};

// The comm field (2) may hold spaces and parentheses: parse after the last ')'.
std::optional<StatFields> read_stat(pid_t pid) {
    std::optional<std::string> text;
    try {
        text = fileio::read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    } catch (...) {
        return std::nullopt;  // e.g. ESRCH while the process is being reaped
    }
    if (!text) return std::nullopt;
    auto close = text->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    // After ") ": field 3 (state), 4 (ppid), ... field 22 (starttime).
    const char* p = text->c_str() + close + 2;
    StatFields f;
    f.state = *p;
    int field = 3;
    while (*p && field < 22) {
        if (*p == ' ') {
            ++field;
            if (field == 4) f.ppid = static_cast<pid_t>(std::strtol(p + 1, nullptr, 10));
            if (field == 22) f.start_time = std::strtoull(p + 1, nullptr, 10);
        }
        ++p;
    }
    if (field != 22) return std::nullopt;
    return f;
}

}  // namespace

std::optional<unsigned long long> process_start_time(pid_t pid) {
    auto f = read_stat(pid);
    if (!f) return std::nullopt;
    return f->start_time;
}

bool process_is_alive(pid_t pid, unsigned long long start_time) {
    if (pid <= 0) return false;
    auto f = read_stat(pid);
    if (!f || f->start_time != start_time) return false;
    return f->state != 'Z' && f->state != 'X';
}

std::vector<pid_t> process_descendants(pid_t pid) {
    std::multimap<pid_t, pid_t> children;  // ppid -> pid
    if (DIR* d = ::opendir("/proc")) {
        while (dirent* e = ::readdir(d)) {
            char* end = nullptr;
            long p = std::strtol(e->d_name, &end, 10);
            if (*end != '\0' || p <= 0) continue;
            if (auto f = read_stat(static_cast<pid_t>(p))) children.emplace(f->ppid, static_cast<pid_t>(p));
        }
        ::closedir(d);
    }
    std::vector<pid_t> out;
    std::vector<pid_t> todo{pid};
    while (!todo.empty()) {
        pid_t parent = todo.back();
        todo.pop_back();
        auto [lo, hi] = children.equal_range(parent);
        for (auto it = lo; it != hi; ++it) {
            out.push_back(it->second);
            todo.push_back(it->second);
        }
    }
    return out;
}

bool wait_for_process_exit(pid_t pid, unsigned long long start_time, int timeout_ms) {
    for (int waited = 0;; waited += 10) {
        // Reap it if it is our child (no-op otherwise: ECHILD).
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return true;
        if (!process_is_alive(pid, start_time)) return true;
        if (waited >= timeout_ms) return false;
        timespec ts{0, 10'000'000};
        ::nanosleep(&ts, nullptr);
    }
}

}  // namespace ocirun::container
