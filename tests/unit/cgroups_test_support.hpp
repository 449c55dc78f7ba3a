// Helpers for the cgroup driver tests: load a driver .so straight from the build tree, run a
// child process, and scrub test cgroups from every hierarchy even when a test fails.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ocirun/plugin.hpp"

namespace cgroups_test {

namespace fs = std::filesystem;

struct LoadedDriver {
    boost::dll::shared_library library;
    std::unique_ptr<ocirun::plugin::CgroupDriver> driver;
    ~LoadedDriver() { driver.reset(); }  // before the library is unloaded
};

inline std::unique_ptr<LoadedDriver> load_driver(const std::string& name) {
    auto loaded = std::make_unique<LoadedDriver>();
    fs::path file = fs::path(OCIRUN_TEST_PLUGIN_DIR) / ("cgroup-driver." + name + ".so");
    loaded->library.load(file.string());
    auto create = loaded->library.get_alias<ocirun::plugin::Plugin*()>("ocirun_plugin_create");
    auto* plugin = create();
    loaded->driver.reset(dynamic_cast<ocirun::plugin::CgroupDriver*>(plugin));
    if (!loaded->driver) {
        delete plugin;
        throw std::runtime_error(file.string() + " is not a cgroup driver");
    }
    return loaded;
}

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    std::string out = s.str();
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

// A forked child running `body` (or busybox sleep) once release() is called — so that it can be
// moved into a cgroup first — killed and reaped on destruction.
class Child {
public:
    explicit Child(std::function<void()> body = {}) {
        if (::pipe(gate_) != 0) throw std::runtime_error("pipe");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(gate_[1]);
            char c;
            if (::read(gate_[0], &c, 1) != 1) ::_exit(126);
            if (body) {
                body();
                ::_exit(0);
            }
            ::execl("/bin/busybox", "sleep", "300", static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    void release() {
        if (gate_[1] >= 0) {
            (void)!::write(gate_[1], "x", 1);
            ::close(gate_[1]);
            gate_[1] = -1;
        }
    }
    ~Child() {
        ::close(gate_[0]);
        if (gate_[1] >= 0) ::close(gate_[1]);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            int st;
            ::waitpid(pid_, &st, 0);
        }
    }
    pid_t pid() const { return pid_; }
    // Wait up to ~10 s; returns the wait status or -1 on timeout.
    int wait(int tenths = 100) {
        for (int i = 0; i < tenths; ++i) {
            int st;
            pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                reaped_ = true;
                return st;
            }
            ::usleep(100000);
        }
        return -1;
    }

private:
    int gate_[2] = {-1, -1};
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// Removes `relative` (and everything below it, deepest first) from every cgroup hierarchy.
inline void scrub(const std::string& relative) {
    std::function<void(const fs::path&)> remove_tree = [&](const fs::path& dir) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_directory(ec)) remove_tree(e.path());
        ::rmdir(dir.c_str());
    };
    std::error_code ec;
    for (const auto& h : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        fs::path dir = h.path() / relative;
        if (fs::exists(dir, ec)) remove_tree(dir);
    }
}

// This process's cgroup path in the hierarchy whose /proc/self/cgroup line names `controller`
// ("" for the v2 line).
inline std::string own_cgroup(const std::string& controller, const std::string& pid = "self") {
    std::istringstream in(read_file("/proc/" + pid + "/cgroup"));
    std::string line;
    while (std::getline(in, line)) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        std::string ctrls = line.substr(a + 1, b - a - 1);
        std::stringstream cs(ctrls);
        std::string c;
        if (controller.empty() && ctrls.empty()) return line.substr(b + 1);
        while (std::getline(cs, c, ','))
            if (!controller.empty() && c == controller) return line.substr(b + 1);
    }
    return "";
}

inline bool is_root() { return ::geteuid() == 0; }

}  // namespace cgroups_test
