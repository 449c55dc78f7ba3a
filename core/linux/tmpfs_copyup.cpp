// The "tmpcopyup" mount option (a runc extension): a tmpfs mounted over a directory of the rootfs
// starts with a copy of what that directory held, so that e.g. /etc stays usable but writable.
// Copied through fds only (openat/mkdirat with O_NOFOLLOW), so a symlink in the rootfs is copied
// as a symlink and never followed out of it.
#include "linux/tmpfs_copyup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "ocirun/error.hpp"

namespace ocirun::linux_init {
namespace {

std::vector<std::string> entries_of(int dir_fd, const std::string& where) {
    int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) throw sys_error(where + ": tmpcopyup: dup");
    DIR* dir = ::fdopendir(dup_fd);
    if (!dir) {
        ::close(dup_fd);
        throw sys_error(where + ": tmpcopyup: opendir");
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(dir);
    return names;
}

void copy_file(int from_dir, int to_dir, const std::string& name, const struct stat& st, const std::string& where) {
    UniqueFd in(::openat(from_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) throw sys_error(where + ": tmpcopyup: open " + name);
    UniqueFd out(::openat(to_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777));
    if (!out) throw sys_error(where + ": tmpcopyup: create " + name);
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(in.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw sys_error(where + ": tmpcopyup: read " + name);
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out.get(), buf + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) throw sys_error(where + ": tmpcopyup: write " + name);
            done += w;
        }
    }
}

void copy_tree(int from_dir, int to_dir, const std::string& where) {
    for (const auto& name : entries_of(from_dir, where)) {
        struct stat st {};
        if (::fstatat(from_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw sys_error(where + ": tmpcopyup: stat " + name);
        if (S_ISDIR(st.st_mode)) {
            if (::mkdirat(to_dir, name.c_str(), st.st_mode & 07777) != 0)
                throw sys_error(where + ": tmpcopyup: mkdir " + name);
            UniqueFd from(::openat(from_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            UniqueFd to(::openat(to_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!from || !to) throw sys_error(where + ": tmpcopyup: open directory " + name);
            copy_tree(from.get(), to.get(), where);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(from_dir, to_dir, name, st, where);
        } else if (S_ISLNK(st.st_mode)) {
            std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlinkat(from_dir, name.c_str(), target.data(), target.size());
            if (n < 0) throw sys_error(where + ": tmpcopyup: readlink " + name);
            target.resize(static_cast<std::size_t>(n));
            if (::symlinkat(target.c_str(), to_dir, name.c_str()) != 0)
                throw sys_error(where + ": tmpcopyup: symlink " + name);
        } else if (::mknodat(to_dir, name.c_str(), st.st_mode, st.st_rdev) != 0) {
            throw sys_error(where + ": tmpcopyup: mknod " + name);
        }
        if (::fchownat(to_dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
            throw sys_error(where + ": tmpcopyup: chown " + name);
        if (!S_ISLNK(st.st_mode) && ::fchmodat(to_dir, name.c_str(), st.st_mode & 07777, 0) != 0)
            throw sys_error(where + ": tmpcopyup: chmod " + name);
    }
}

}  // namespace

UniqueFd open_copyup_source(const std::string& proc_path, const std::string& where) {
    UniqueFd fd(::open(proc_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw sys_error(where + ": tmpcopyup: open the directory under the tmpfs");
    return fd;
}

void copy_up(int source_dir_fd, const std::string& mounted_proc_path, const std::string& where) {
    UniqueFd to(::open(mounted_proc_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!to) throw sys_error(where + ": tmpcopyup: open the new tmpfs");
    copy_tree(source_dir_fd, to.get(), where);
}

}  // namespace ocirun::linux_init
