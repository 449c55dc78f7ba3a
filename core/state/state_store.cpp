#include "state/state_store.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>

#include "ocirun/error.hpp"
#include "state/stored_state_json.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"
#include "util/go_json.hpp"

namespace ocirun::state {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLockFile = "lock";
constexpr const char* kStateFile = "state.json";
// Temporary names contain '~', which no container id may contain, so listing never shows them.
// Both carry the pid of the process that made them ("~creating.PID.XXXXXX", "~deleting.PID.N"):
// one left by a killed runtime is found and removed (remove_abandoned).
constexpr const char* kCreatingPrefix = "~creating.";
constexpr const char* kDeletingPrefix = "~deleting.";

// runc's text, word for word (clients match on it); it names no id, the caller gave it.
Error already_exists() { return Error("container with given ID already exists", ErrorKind::AlreadyExists); }

// mkdir -p with `mode` for every directory it creates (runc: MkdirAll(root, 0700)).
void make_dirs(const fs::path& path, mode_t mode) {
    fs::path partial;
    for (const auto& part : path) {
        partial /= part;
        if (::mkdir(partial.c_str(), mode) == 0) {
            // mkdir's mode is filtered by the umask; the root must be exactly `mode`.
            if (::chmod(partial.c_str(), mode) != 0) throw sys_error("chmod " + partial.string());
        } else if (errno != EEXIST) {
            throw sys_error("create state directory " + partial.string());
        }
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw sys_error("stat " + path.string());
    if (!S_ISDIR(st.st_mode)) throw Error("state root " + path.string() + " is not a directory");
}

void lock_exclusive(int fd, const fs::path& lock_path) {
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) throw sys_error("lock " + lock_path.string());
    }
}

std::string unique_suffix() {
    static std::atomic<unsigned> counter{0};
    return std::to_string(::getpid()) + "." + std::to_string(counter++);
}

// Rename first so that the id disappears atomically (a concurrent open() sees "does not exist",
// a create() may reuse the id at once), then delete the renamed tree at leisure.
fs::path rename_to_tomb(const fs::path& dir) {
    const fs::path tomb = dir.parent_path() / (kDeletingPrefix + unique_suffix());
    if (::rename(dir.c_str(), tomb.c_str()) != 0) throw sys_error("remove container directory " + dir.string());
    fault::point("delete-state-dir-renamed");
    return tomb;
}

// The pid in a temporary name after `prefix` ("PID.rest"), or 0.
pid_t maker_pid(const std::string& name, const std::string& prefix) {
    if (name.rfind(prefix, 0) != 0) return 0;
    const std::size_t end = name.find('.', prefix.size());
    if (end == std::string::npos || end == prefix.size()) return 0;
    const std::string digits = name.substr(prefix.size(), end - prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return 0;
    return static_cast<pid_t>(std::stol(digits));
}

// A temporary dir is abandoned when the process that made it is gone and nobody holds its lock
// (a "~creating." dir is locked by its creator from its first moments; a tomb has no lock).
bool is_abandoned(const fs::path& dir, pid_t maker) {
    if (maker <= 0 || ::kill(maker, 0) == 0 || errno != ESRCH) return false;
    UniqueFd lock(::open((dir / kLockFile).c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    return !lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) == 0;
}

}  // namespace

Error container_not_found() { return Error("container does not exist", ErrorKind::NotFound); }

// ---- ContainerDir --------------------------------------------------------------------------

StoredState ContainerDir::load() const {
    const fs::path file = path_ / kStateFile;
    const std::string text = fileio::read_file(file);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) throw Error(file.string() + ": invalid JSON: " + ec.message());
    return stored_state_from_json(v, file.string());
}

void ContainerDir::save(const StoredState& s) const {
    // Atomic (rename) but not durable: state describes processes that a reboot ends anyway, and
    // the state root normally lives on tmpfs. An fsync cost 3-24 ms per write here (ext4 /run),
    // more than the rest of `start`; runc and crun do not sync it either.
    // Go's encoding (invalid UTF-8 from config.json or argv becomes U+FFFD, as in runc's
    // state.json): the file always parses, so the container stays manageable.
    fileio::write_atomic(path_ / kStateFile, gojson::serialize(to_json(s)), false, 0600);
}

void ContainerDir::remove() {
    const fs::path tomb = rename_to_tomb(path_);
    std::error_code ec;
    fs::remove_all(tomb, ec);
    lock_.reset();  // waiters wake up, find ROOT/ID/lock gone and report "does not exist"
    if (ec) throw Error("remove container directory " + tomb.string() + ": " + ec.message());
}


// ---- StateStore ----------------------------------------------------------------------------

StateStore::StateStore(fs::path root) : root_(std::move(root)) {}

void StateStore::require_absent(const std::string& id) const {
    if (::access((root_ / id).c_str(), F_OK) == 0) throw already_exists();
}

void StateStore::require_present(const std::string& id) const {
    if (::access((root_ / id).c_str(), F_OK) != 0) throw container_not_found();
}

ContainerDir StateStore::create(const std::string& id) {
    validate_id(id);
    make_dirs(root_, 0700);
    const fs::path final_path = root_ / id;
    require_absent(id);

    // Build the directory with its lock held under a temporary name, then move it into place:
    // nobody can open the container before its creator holds the lock.
    std::string tmpl = (root_ / (std::string(kCreatingPrefix) + std::to_string(::getpid()) + ".XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr)
        throw sys_error("create container directory in " + root_.string());
    const fs::path tmp(tmpl);
    auto discard_tmp = [&] {
        std::error_code ec;
        fs::remove_all(tmp, ec);
    };
    try {
        if (::chmod(tmp.c_str(), 0711) != 0) throw sys_error("chmod " + tmp.string());
        const fs::path lock_path = tmp / kLockFile;
        UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (!lock) throw sys_error("create " + lock_path.string());
        lock_exclusive(lock.get(), lock_path);
        fault::point("create-state-dir-locked");
        if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) != 0) {
            if (errno == EEXIST || errno == ENOTEMPTY) throw already_exists();
            throw sys_error("create container directory " + final_path.string());
        }
        return ContainerDir(id, final_path, std::move(lock));
    } catch (...) {
        discard_tmp();
        throw;
    }
}

ContainerDir StateStore::open(const std::string& id) {
    validate_id(id);
    const fs::path dir = root_ / id;
    const fs::path lock_path = dir / kLockFile;
    for (;;) {
        UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CLOEXEC));
        if (!lock) {
            if (errno == ENOENT || errno == ENOTDIR) throw container_not_found();
            throw sys_error("open " + lock_path.string());
        }
        lock_exclusive(lock.get(), lock_path);
        // While we waited, the holder may have deleted the container (and someone may even have
        // created a new one with the same id): only the lock file now at the path counts.
        struct stat held {}, current {};
        if (::fstat(lock.get(), &held) != 0) throw sys_error("stat " + lock_path.string());
        if (::stat(lock_path.c_str(), &current) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) throw container_not_found();
            throw sys_error("stat " + lock_path.string());
        }
        if (held.st_dev == current.st_dev && held.st_ino == current.st_ino)
            return ContainerDir(id, dir, std::move(lock));
    }
}

void StateStore::remove_unlocked(const std::string& id) {
    validate_id(id);
    const fs::path dir = root_ / id;
    if (::access(dir.c_str(), F_OK) != 0) return;  // already gone
    const fs::path tomb = rename_to_tomb(dir);
    std::error_code ec;
    fs::remove_all(tomb, ec);
    if (ec) throw Error("remove container directory " + tomb.string() + ": " + ec.message());
}

void StateStore::remove_abandoned() const {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root_, ec)) {
        const std::string name = entry.path().filename().string();
        pid_t maker = maker_pid(name, kCreatingPrefix);
        if (maker == 0) maker = maker_pid(name, kDeletingPrefix);
        if (maker == 0 || !is_abandoned(entry.path(), maker)) continue;
        std::error_code rm_ec;
        fs::remove_all(entry.path(), rm_ec);  // best effort: a concurrent sweep may race us
    }
}

std::vector<std::string> StateStore::ids() const {
    std::vector<std::string> out;
    std::error_code ec;
    fs::directory_iterator it(root_, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) return out;
        throw Error("list " + root_.string() + ": " + ec.message());
    }
    for (const auto& entry : it) {
        std::string name = entry.path().filename().string();
        std::error_code type_ec;
        if (is_valid_id(name) && !entry.is_symlink(type_ec) && entry.is_directory(type_ec)) out.push_back(std::move(name));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ocirun::state
