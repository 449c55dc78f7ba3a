// process.env as the process gets it. runc applies the list with Go's os.Setenv, one entry at a
// time, and then sets HOME when it is unset or empty from the container's /etc/passwd; the
// process sees the result. Same here, with runc's passwd rules (libcontainer/user): lines
// trimmed, the first whose uid matches wins, a field that is not a number reads as 0, and the
// home is "/" without the file or without the user.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::linux_init {
namespace {

constexpr const char* kPasswd = "/etc/passwd";

// A repeated name keeps its first position and takes its last value (Go's Setenv). Entries
// without '=' are passed on as given.
std::vector<std::string> merge_repeated_names(const std::vector<std::string>& env) {
    std::vector<std::string> out;
    std::map<std::string, std::size_t, std::less<>> position;
    for (const auto& entry : env) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos) {
            out.push_back(entry);
            continue;
        }
        auto [it, fresh] = position.emplace(entry.substr(0, eq), out.size());
        if (fresh) out.push_back(entry);
        else out[it->second] = entry;
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Go's strconv.Atoi with its error ignored, as runc parses passwd numbers: 0 unless the whole
// field is an optionally signed decimal number.
long long passwd_number(std::string_view field) {
    std::string_view digits = field;
    bool negative = false;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > 18) return 0;
    long long value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

// The home field of the first line of `passwd` whose uid is `uid`.
std::optional<std::string> home_in_passwd(std::string_view passwd, std::uint32_t uid) {
    while (!passwd.empty()) {
        const auto nl = passwd.find('\n');
        std::string_view line = trim(passwd.substr(0, nl));
        passwd = nl == std::string_view::npos ? std::string_view{} : passwd.substr(nl + 1);
        if (line.empty()) continue;
        std::string_view fields[7];  // name:password:uid:gid:gecos:home:shell; missing ones empty
        for (auto& field : fields) {
            const auto colon = line.find(':');
            field = line.substr(0, colon);
            if (colon == std::string_view::npos) break;
            line.remove_prefix(colon + 1);
        }
        if (passwd_number(fields[2]) == static_cast<long long>(uid)) return std::string(fields[5]);
    }
    return std::nullopt;
}

// The container's /etc/passwd ("" when it cannot be opened, as runc treats a missing file).
std::string read_passwd() {
    UniqueFd fd(::open(kPasswd, O_RDONLY | O_CLOEXEC));
    if (!fd) return "";
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n == 0) return text;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw sys_error(std::string("process.env: HOME from the process user's entry: read ") + kPasswd);
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

std::vector<std::string> process_environment(const spec::Process& process) {
    std::vector<std::string> env = merge_repeated_names(process.env);
    auto home = env.end();
    for (auto it = env.begin(); it != env.end(); ++it)
        if (it->rfind("HOME=", 0) == 0) home = it;
    if (home != env.end() && home->size() > 5) return env;  // set and not empty: kept
    const std::string value = "HOME=" + home_in_passwd(read_passwd(), process.user.uid).value_or("/");
    if (home != env.end()) *home = value;
    else env.push_back(value);
    return env;
}

}  // namespace ocirun::linux_init
