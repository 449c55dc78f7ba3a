#include "output/signal_names.hpp"

#include <csignal>
#include <cctype>
#include <charconv>
#include <utility>

#include "ocirun/error.hpp"

namespace ocirun::cli {
namespace {

const std::pair<const char*, int> kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

bool parse_int(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

int parse_signal(const std::string& text) {
    int number = 0;
    if (parse_int(text, number)) {
        // runc passes any number on and lets kill(2) judge it; we reject the impossible ones.
        if (number < 0 || number > SIGRTMAX) throw Error("unknown signal \"" + text + "\"");
        return number;
    }
    std::string name;
    for (char c : text) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0) name.erase(0, 3);
    for (const auto& [n, sig] : kSignals)
        if (name == n) return sig;
    // Real-time signals: RTMIN, RTMIN+N, RTMAX, RTMAX-N.
    if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
        const bool min = name[3] == 'I';
        std::string_view rest = std::string_view(name).substr(5);
        int offset = 0;
        if (!rest.empty()) {
            if (rest[0] != (min ? '+' : '-') || !parse_int(rest.substr(1), offset))
                throw Error("unknown signal \"" + text + "\"");
        }
        const int sig = min ? SIGRTMIN + offset : SIGRTMAX - offset;
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
    throw Error("unknown signal \"" + text + "\"");
}

}  // namespace ocirun::cli
