#include "linux/path_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <deque>
#include <optional>
#include <vector>

#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

std::deque<std::string> split(std::string_view path) {
    std::deque<std::string> parts;
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i) parts.emplace_back(path.substr(i, j - i));
        i = j + 1;
    }
    return parts;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

// openat2 with RESOLVE_IN_ROOT: the kernel's own guarantee that resolution stays under root_fd.
int open_in_root(int root_fd, const std::string& path, int flags, unsigned long long extra_resolve = 0) {
    struct open_how how {};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve;
    std::string rel = path == "/" ? "." : path.substr(1);
    return static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
}

// The common case in one syscall: a path with no symlink anywhere in it. RESOLVE_NO_SYMLINKS
// makes the kernel refuse any symlink (ELOOP), so when this succeeds the lexical path is the
// resolved one. Anything else (a symlink, a missing component to create, a "..", whose meaning
// after a symlink only the walk gets right) takes the walk.
ResolvedPath open_without_symlinks(int root_fd, std::string_view path) {
    std::vector<std::string> done;
    ResolvedPath out;
    for (std::string& name : split(path)) {
        if (name == "..") return out;
        if (name != ".") done.push_back(std::move(name));
    }
    out.path = join(done);
    // No O_NOFOLLOW: with it, O_PATH would return the trailing symlink itself instead of ELOOP.
    out.fd.reset(open_in_root(root_fd, out.path, O_PATH, RESOLVE_NO_SYMLINKS));
    return out;
}

}  // namespace

std::optional<ResolvedPath> resolve_existing_in_root(int root_fd, std::string_view path) {
    ResolvedPath fast = open_without_symlinks(root_fd, path);
    if (fast.fd) return fast;
    // The kernel stops at the first missing component; had a symlink come before it, the error
    // would be ELOOP. So ENOENT here means missing, with no walk (and no exception) needed.
    if (errno == ENOENT && !fast.path.empty()) return std::nullopt;
    try {
        return resolve_in_root(root_fd, path);
    } catch (const ResolveError& e) {
        if (e.err() == ENOENT) return std::nullopt;
        throw;
    }
}

ResolvedPath resolve_in_root(int root_fd, std::string_view path, Create create) {
    if (ResolvedPath fast = open_without_symlinks(root_fd, path); fast.fd) return fast;
    const std::string what = "resolve " + std::string(path) + " in the rootfs";
    std::deque<std::string> todo = split(path);
    std::vector<std::string> done;  // components resolved so far, no symlinks among them
    UniqueFd cur(::fcntl(root_fd, F_DUPFD_CLOEXEC, 3));
    if (!cur) throw ResolveError(what, errno);
    int links = 0;

    while (!todo.empty()) {
        std::string name = std::move(todo.front());
        todo.pop_front();
        const bool last = todo.empty();
        if (name == ".") continue;
        if (name == "..") {
            // Lexical parent, never above the root (like chroot's "/..").
            if (!done.empty()) done.pop_back();
            cur.reset(open_in_root(root_fd, join(done), O_PATH | O_DIRECTORY));
            if (!cur) throw ResolveError(what, errno);
            continue;
        }
        struct stat st {};
        if (::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT || create == Create::kNothing) throw ResolveError(what, errno);
            if (last && create == Create::kFile) {
                int fd = ::openat(cur.get(), name.c_str(),
                                  O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (fd < 0 && errno != EEXIST) throw ResolveError(what, errno);
                if (fd >= 0) ::close(fd);
            } else if (::mkdirat(cur.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
                throw ResolveError(what, errno);
            }
            if (::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                throw ResolveError(what, errno);
        }
        if (S_ISLNK(st.st_mode)) {
            if (++links > kMaxSymlinks) throw ResolveError(what, ELOOP);
            std::string target(PATH_MAX, '\0');
            ssize_t n = ::readlinkat(cur.get(), name.c_str(), target.data(), target.size());
            if (n < 0) throw ResolveError(what, errno);
            target.resize(static_cast<std::size_t>(n));
            // The link's target replaces the component; absolute targets restart at the root.
            std::deque<std::string> expanded = split(target);
            todo.insert(todo.begin(), expanded.begin(), expanded.end());
            if (!target.empty() && target[0] == '/') {
                done.clear();
                cur.reset(::fcntl(root_fd, F_DUPFD_CLOEXEC, 3));
                if (!cur) throw ResolveError(what, errno);
            }
            continue;
        }
        if (!last && !S_ISDIR(st.st_mode)) throw ResolveError(what, ENOTDIR);
        UniqueFd next(::openat(cur.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!next) throw ResolveError(what, errno);
        done.push_back(std::move(name));
        cur = std::move(next);
    }

    // Re-open the lexical result through openat2 so the kernel confirms it is inside the root
    // (and so a mount on the last component is crossed into, as a later mount(2) expects).
    ResolvedPath out;
    out.path = join(done);
    out.fd.reset(open_in_root(root_fd, out.path, O_PATH | O_NOFOLLOW));
    if (!out.fd) throw ResolveError(what, errno);
    return out;
}

ParentAndName resolve_parent_in_root(int root_fd, std::string_view path) {
    std::deque<std::string> parts = split(path);
    if (parts.empty()) throw Error("resolve " + std::string(path) + " in the rootfs: no file name");
    std::string name = parts.back();
    std::string parent = "/";
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent += parts[i] + "/";
    return {resolve_in_root(root_fd, parent, Create::kDir), name};
}

}  // namespace ocirun::linux_init
