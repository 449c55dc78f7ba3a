// process.args[0] -> the file to execve, with the rules (and error texts) of Go's exec.LookPath
// that runc uses: a name with a slash is used as is, otherwise each $PATH entry of process.env
// (a match through a relative entry is refused, Go's ErrDot).
// exec_process: the final exec, through the sealed trampoline (exec_trampoline.hpp).
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstring>
#include <vector>

#include "linux/exec_trampoline.hpp"
#include "linux/init_steps.hpp"
#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

// 0 when `path` is a regular file with an execute bit, else the errno Go would report.
int check_executable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno;
    if (!S_ISDIR(st.st_mode) && (st.st_mode & 0111) != 0) return 0;
    return EACCES;
}

std::string env_value(const std::vector<std::string>& env, const std::string& name) {
    std::string found;
    for (const auto& e : env)
        if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
            found = e.substr(name.size() + 1);  // the last one wins, as in execve's environ
    return found;
}

// strerror as Go spells it (lowercase), since these texts match runc's.
std::string go_strerror(int err) {
    std::string reason = std::strerror(err);
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    return reason;
}

// runc wraps every failure to start the process in "unable to start container process: ", and
// LookPath's own error reads `exec: "NAME": REASON`. Callers (podman, containerd) match on it.
Error lookup_error(const std::string& file, const std::string& reason) {
    return Error("unable to start container process: exec: \"" + file + "\": " + reason);
}

}  // namespace

std::string find_executable(const spec::Process& process) {
    if (process.args.empty()) throw Error("config.json: process.args: must not be empty");
    const std::string& file = process.args[0];
    if (file.find('/') != std::string::npos) {
        int err = check_executable(file);
        if (err == 0) return file;
        if (err == EACCES) throw lookup_error(file, "permission denied");
        throw lookup_error(file, "stat " + file + ": " + go_strerror(err));
    }
    const std::string path = env_value(process.env, "PATH");
    std::size_t i = 0;
    while (!path.empty() && i <= path.size()) {
        std::size_t j = path.find(':', i);
        if (j == std::string::npos) j = path.size();
        std::string dir = path.substr(i, j - i);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + file;
        if (check_executable(candidate) == 0) {
            // Found relative to the cwd ("", "." or a relative entry): Go refuses to run it.
            if (dir.front() != '/') throw lookup_error(file, "cannot run executable found relative to current directory");
            return candidate;
        }
        i = j + 1;
    }
    throw lookup_error(file, "executable file not found in $PATH");
}

[[noreturn]] void exec_process(const std::string& path, const spec::Process& process, int trampoline_fd,
                               const plugin::CompiledFilter* filter) {
    std::vector<char*> argv, envp;
    for (const auto& a : process.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : process.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    // The runtime may block or ignore signals (the init ignores SIGPIPE); the container starts
    // with a clean slate.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    // Never execve the program from the runtime's image: through the sealed trampoline,
    // /proc/self/exe is never the host's ocirun once the container's program runs
    // (CVE-2019-5736). The trampoline reports its own execve failure like the line below.
    std::string message;
    try {
        UniqueFd made;
        if (trampoline_fd < 0) {
            made = make_sealed_trampoline();
            trampoline_fd = made.get();
        }
        std::string what;
        exec_through_trampoline(trampoline_fd, path, argv.data(), envp.data(), what, filter ? &filter->bpf : nullptr);
        const int err = errno;
        message = "exec " + path + ": " + what + ": " + go_strerror(err);
    } catch (const std::exception& e) {
        message = "exec " + path + ": " + e.what();
    }
    // After kReady nobody reads the sync socket: like runc, say it on stderr and exit 1.
    message += "\n";
    ssize_t ignored = ::write(2, message.data(), message.size());
    (void)ignored;
    ::_exit(1);
}

}  // namespace ocirun::linux_init
