#include "criu_binary.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

#include <ocirun/error.hpp>

#include "criu_swrk.hpp"

namespace ocirun::criu {

std::optional<std::string> find_criu_binary() {
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "";
    while (true) {
        const auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
        const std::string candidate = dir + "/criu";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

std::string require_criu_binary() {
    if (auto found = find_criu_binary()) return *found;
    throw Error("criu binary not found on PATH: checkpoint and restore need CRIU 3.0 or later (Debian package criu)");
}

int criu_version(const std::string& binary, int minimum) {
    SwrkSession session(binary);
    criu_req req;
    req.set_type(VERSION);
    criu_resp resp;
    try {
        resp = session.exchange(req, {}, "");
    } catch (const Error& e) {
        throw Error(std::string("CRIU version check failed: ") + e.what());
    }
    session.finish();
    if (!resp.has_version()) throw Error("CRIU version check failed: criu " + binary + " sent no version");
    const auto& v = resp.version();
    const int version = v.major_number() * 10000 + v.minor_number() * 100 + v.sublevel();
    if (version < minimum)
        throw Error("CRIU version " + std::to_string(version) + " must be " + std::to_string(minimum) + " or higher");
    return version;
}

std::string criu_check_failure(const std::string& binary) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return std::string("criu check: pipe: ") + std::strerror(errno);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(out[0]);
        ::close(out[1]);
        return std::string("criu check: fork: ") + std::strerror(errno);
    }
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        const char* argv[] = {binary.c_str(), "check", nullptr};
        ::execv(binary.c_str(), const_cast<char* const*>(argv));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    const auto error = text.find("Error");
    const std::string from = error == std::string::npos ? text : text.substr(error);
    const std::string line = from.substr(0, from.find('\n'));
    return "criu check failed" + (line.empty() ? std::string() : ": " + line);
}

}  // namespace ocirun::criu
