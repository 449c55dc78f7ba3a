#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>
#include <mutex>
#include <sstream>
#include <stdexcept>

extern char** environ;

const char* ocirun_test_binary() {
    static const char* const path = std::getenv("OCIRUN_TEST_BINARY") ? std::getenv("OCIRUN_TEST_BINARY")
                                                                        : OCIRUN_TEST_BUILT_BINARY;
    return path;
}

const char* ocirun_test_plugin_dir() {
    static const char* const path = std::getenv("OCIRUN_TEST_PLUGIN_DIR") ? std::getenv("OCIRUN_TEST_PLUGIN_DIR")
                                                                            : OCIRUN_TEST_BUILT_PLUGIN_DIR;
    return path;
}

namespace ocirun::it {
namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

// Pipe ends for the child, CLOEXEC in the parent.
struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        r = fds[0];
        w = fds[1];
    }
};

void drain(int& fd, std::string& into) {
    if (fd < 0) return;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) {  // EOF
            ::close(fd);
            fd = -1;
        }
        return;  // EAGAIN: nothing more for now
    }
}

}  // namespace

std::string CommandResult::describe() const {
    std::string s = timed_out ? "timed out" : "exit " + std::to_string(exit_code);
    return s + "; stdout: [" + out + "]; stderr: [" + err + "]";
}

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& opts) {
    if (argv.empty()) throw std::runtime_error("run_command: empty argv");
    Pipe out, err, in;
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        if (!opts.env.count(kv.substr(0, kv.find('=')))) env_strings.push_back(kv);
    }
    for (const auto& [k, v] : opts.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : env_strings) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::setpgid(0, 0);  // own process group: a timeout kills everything it started
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(opts.input.empty() ? devnull : in.r, 0);
        ::dup2(out.w, 1);
        ::dup2(err.w, 2);
        if (!opts.cwd.empty() && ::chdir(opts.cwd.c_str()) != 0) ::_exit(126);
        ::execvpe(cargv[0], cargv.data(), cenv.data());
        ::_exit(127);
    }
    ::close(out.w);
    ::close(err.w);
    ::close(in.r);
    if (!opts.input.empty()) {
        // Small inputs only (tests): fits the pipe buffer.
        (void)!::write(in.w, opts.input.data(), opts.input.size());
    }
    ::close(in.w);
    ::fcntl(out.r, F_SETFL, O_NONBLOCK);
    ::fcntl(err.r, F_SETFL, O_NONBLOCK);

    CommandResult result;
    const auto deadline = std::chrono::steady_clock::now() + opts.timeout;
    int status = 0;
    bool exited = false;
    while (!exited) {
        pollfd fds[2] = {{out.r, POLLIN, 0}, {err.r, POLLIN, 0}};
        ::poll(fds, 2, 20);
        drain(out.r, result.out);
        drain(err.r, result.err);
        if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
        else if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result.timed_out = true;
            exited = true;
        }
    }
    // Whatever is already buffered; a detached container may hold the pipes open for longer.
    drain(out.r, result.out);
    drain(err.r, result.err);
    if (out.r >= 0) ::close(out.r);
    if (err.r >= 0) ::close(err.r);
    if (result.timed_out) result.exit_code = -1;
    else if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    return result;
}

std::string unique_id(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

const fs::path& busybox_rootfs() {
    static std::once_flag once;
    static std::unique_ptr<TempDir> dir;
    static fs::path rootfs;
    std::call_once(once, [] {
        dir = std::make_unique<TempDir>("ocirun-it-busybox");
        rootfs = dir->path() / "rootfs";
        for (const char* d : {"bin", "dev", "proc", "sys", "tmp", "etc", "root"})
            fs::create_directories(rootfs / d);
        fs::copy_file("/bin/busybox", rootfs / "bin/busybox");
        auto list = run_command({"/bin/busybox", "--list"});
        if (list.exit_code != 0) throw std::runtime_error("busybox --list failed: " + list.describe());
        std::istringstream names(list.out);
        for (std::string name; std::getline(names, name);) {
            // "busybox" itself is in the list: linking it would replace the binary.
            if (name.empty() || name == "busybox") continue;
            std::error_code ec;
            fs::create_symlink("busybox", rootfs / "bin" / name, ec);
        }
        write_text(rootfs / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        write_text(rootfs / "etc/group", "root:x:0:\nnogroup:x:65534:\n");
    });
    return rootfs;
}

// ---------------------------------------------------------------- Bundle
Bundle::Bundle() : dir_("ocirun-it-bundle") {
    auto cp = run_command({"cp", "-a", "--link", busybox_rootfs().string(), rootfs().string()});
    if (cp.exit_code != 0) throw std::runtime_error("copying the busybox rootfs failed: " + cp.describe());
    auto spec = run_command({OCIRUN_TEST_BINARY, "spec"}, {.cwd = path()});
    if (spec.exit_code != 0) throw std::runtime_error("`ocirun spec` failed: " + spec.describe());
    config_ = boost::json::parse(read_text(config_path())).as_object();
    set_terminal(false);
}

void Bundle::save() const { write_text(config_path(), boost::json::serialize(config_)); }

void Bundle::write_raw_config(const std::string& text) const { write_text(config_path(), text); }

namespace {
boost::json::array to_array(const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}
}  // namespace

void Bundle::set_args(const std::vector<std::string>& args) {
    config_["process"].as_object()["args"] = to_array(args);
    save();
}
void Bundle::set_terminal(bool terminal) {
    config_["process"].as_object()["terminal"] = terminal;
    save();
}
void Bundle::set_readonly(bool readonly) {
    config_["root"].as_object()["readonly"] = readonly;
    save();
}
void Bundle::set_hostname(const std::string& hostname) {
    config_["hostname"] = hostname;
    save();
}
void Bundle::set_env(const std::vector<std::string>& env) {
    config_["process"].as_object()["env"] = to_array(env);
    save();
}
void Bundle::set_cwd(const std::string& cwd) {
    config_["process"].as_object()["cwd"] = cwd;
    save();
}
void Bundle::set_user(unsigned uid, unsigned gid) {
    auto& user = config_["process"].as_object()["user"];
    if (!user.is_object()) user = boost::json::object{};
    user.as_object()["uid"] = uid;
    user.as_object()["gid"] = gid;
    save();
}
void Bundle::add_bind_mount(const fs::path& source, const std::string& destination, bool readonly) {
    auto& mounts = config_["mounts"];
    if (!mounts.is_array()) mounts = boost::json::array{};
    mounts.as_array().push_back(boost::json::object{
        {"destination", destination},
        {"type", "bind"},
        {"source", source.string()},
        {"options", boost::json::array{"rbind", readonly ? "ro" : "rw"}}});
    save();
}

void Bundle::remove_namespace(const std::string& type) {
    auto& namespaces = config_["linux"].as_object()["namespaces"];
    if (!namespaces.is_array()) return;
    boost::json::array kept;
    for (const auto& ns : namespaces.as_array())
        if (!(ns.is_object() && ns.as_object().contains("type") && ns.at("type") == type.c_str())) kept.push_back(ns);
    namespaces = kept;
    save();
}

// ---------------------------------------------------------------- Runner
Runner::Runner(std::string name, fs::path binary, std::map<std::string, std::string> env)
    : name_(std::move(name)), binary_(std::move(binary)), env_(std::move(env)),
      root_(std::make_unique<TempDir>("ocirun-it-root-" + name_)) {}

Runner Runner::ocirun() {
    return Runner("ocirun", OCIRUN_TEST_BINARY, {{"OCIRUN_PLUGIN_PATH", OCIRUN_TEST_PLUGIN_DIR}});
}

Runner Runner::runc() { return Runner("runc", "runc", {}); }

bool runc_available() { return run_command({"runc", "--version"}).exit_code == 0; }

Runner::~Runner() {
    if (!root_) return;  // moved from
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root(), ec)) {
        if (!entry.is_directory()) continue;
        (*this)({"delete", "--force", entry.path().filename().string()}, {.timeout = 15s});
    }
}

CommandResult Runner::operator()(const std::vector<std::string>& args, CommandOptions opts) const {
    std::vector<std::string> argv{binary_.string(), "--root", root().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& [k, v] : env_) opts.env.emplace(k, v);
    return run_command(argv, opts);
}

boost::json::object Runner::state(const std::string& id) const {
    auto r = (*this)({"state", id});
    if (r.exit_code != 0) throw std::runtime_error(name_ + " state " + id + " failed: " + r.describe());
    return boost::json::parse(r.out).as_object();
}

// ---------------------------------------------------------------- leftovers
std::vector<std::string> leftovers(const Runner& runner, const std::string& id, const Bundle& bundle) {
    std::vector<std::string> found;
    const std::string bundle_path = bundle.path().string();
    if (fs::exists(runner.root() / id)) found.push_back("state dir " + (runner.root() / id).string());

    std::istringstream mounts(read_text("/proc/self/mountinfo"));
    for (std::string line; std::getline(mounts, line);)
        if (line.find(bundle_path) != std::string::npos) found.push_back("mount: " + line);

    struct stat rootfs_st{};
    const bool have_rootfs = ::stat(bundle.rootfs().c_str(), &rootfs_st) == 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (std::stoi(name) == ::getpid()) continue;
        const fs::path proc = entry.path();
        std::string cmdline = read_text(proc / "cmdline");
        for (char& c : cmdline)
            if (c == '\0') c = ' ';
        std::error_code lec;
        const std::string cwd = fs::read_symlink(proc / "cwd", lec).string();
        struct stat root_st{};
        const bool same_root = have_rootfs && ::stat((proc / "root").c_str(), &root_st) == 0 &&
                               root_st.st_dev == rootfs_st.st_dev && root_st.st_ino == rootfs_st.st_ino;
        if (same_root || cwd.rfind(bundle_path, 0) == 0 ||
            cmdline.find(bundle_path) != std::string::npos || cmdline.find(id) != std::string::npos)
            found.push_back("process " + name + ": " + cmdline);
    }

    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        fs::recursive_directory_iterator it(hierarchy.path(), ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            if (it.depth() >= 3) it.disable_recursion_pending();
            if (it->is_directory() && it->path().filename() == id) found.push_back("cgroup " + it->path().string());
        }
    }
    return found;
}

// ---------------------------------------------------------------- shared test helpers
std::string read_file(const fs::path& path) { return read_text(path); }

CommandResult shell(const Runner& rt, const std::string& script, std::chrono::milliseconds timeout) {
    CommandOptions opts;
    opts.env = rt.env();
    opts.env["OCIRUN"] = rt.binary().string() + " --root " + rt.root().string();
    opts.timeout = timeout;
    return run_command({"/bin/sh", "-c", script}, opts);
}

DetachedContainer::DetachedContainer(const Runner& rt, const std::string& prefix,
                                     const std::function<void(Bundle&)>& tweak)
    : rt_(rt), id_(unique_id(prefix)) {
    bundle_.set_args({"sleep", "1000"});
    bundle_.set_readonly(false);  // exec'd processes write files in some tests
    if (tweak) tweak(bundle_);
    result_ = rt_({"run", "--detach", "--bundle", bundle_.path().string(), id_}, {.timeout = 20s});
}

DetachedContainer::~DetachedContainer() {
    rt_({"resume", id_});  // a paused container is only deleted once thawed
    rt_({"delete", "--force", id_});
    const auto left = leftovers(rt_, id_, bundle_);
    EXPECT_TRUE(left.empty()) << id_ << ": " << ::testing::PrintToString(left);
}

long DetachedContainer::init_pid() const { return static_cast<long>(rt_.state(id_).at("pid").as_int64()); }

CommandResult DetachedContainer::exec(std::vector<std::string> flags, const std::vector<std::string>& command) const {
    std::vector<std::string> args{"exec"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(id_);
    args.insert(args.end(), command.begin(), command.end());
    return rt_(args, {.timeout = 20s});
}

}  // namespace ocirun::it
