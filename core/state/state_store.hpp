// Where containers live: ROOT/ID/ (default root /run/ocirun).
//
// Each container directory holds state.json (written atomically: temp + fsync + rename) and is
// guarded by an flock on ROOT/ID/lock (wait: two concurrent commands on one id serialise, never
// corrupt). The creation of ROOT/ID is itself atomic (mkdir), so a duplicate id fails cleanly.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::state {

// runc 1.1's id rules: one or more of [a-zA-Z0-9_+,.-], never "." or ".."; we also cap the
// length at 1024 bytes. Throws ocirun::Error("invalid container ID format: ...") naming the id,
// or "container id cannot be empty".
void validate_id(const std::string& id);
// The same rules without throwing (listing skips names that are not container ids).
bool is_valid_id(const std::string& id) noexcept;

// The one error for an unknown id, kind NotFound, runc's text word for word: "container does
// not exist" (runc names no id; clients match on it).
Error container_not_found();

// Everything a later command needs about a container; serialised as ROOT/ID/state.json.
struct StoredState {
    std::string id;
    std::string ociVersion;
    pid_t init_pid = 0;
    unsigned long long init_start_time = 0;  // /proc/PID/stat field 22: guards against pid reuse
    std::string bundle;                      // absolute
    std::string rootfs;                      // absolute
    std::string created;                     // RFC3339Nano UTC
    std::string owner;
    std::map<std::string, std::string> annotations;
    bool created_by_run = false;
    bool rootless = false;
    std::string cgroup_driver;  // plugin name, "" when none
    std::string cgroup_saved;   // the driver's Cgroup::save() text
    bool started = false;       // start ran (exec fifo consumed)
    std::map<std::string, std::string> namespace_paths;  // type -> /proc/PID/ns/X or joined path
    std::string config_file;    // copy of the bundle's config.json inside the container dir
};

class StateStore;

// An open, flocked container directory. Unlocks on destruction.
class ContainerDir {
public:
    const std::string& id() const { return id_; }
    const std::filesystem::path& path() const { return path_; }
    StoredState load() const;                 // throws if state.json is missing/corrupt
    void save(const StoredState& s) const;    // atomic replace
    // Remove the whole directory (after the container is gone). The lock goes with it.
    void remove();

private:
    friend class StateStore;
    ContainerDir(std::string id, std::filesystem::path path, UniqueFd lock)
        : id_(std::move(id)), path_(std::move(path)), lock_(std::move(lock)) {}
    std::string id_;
    std::filesystem::path path_;
    UniqueFd lock_;
};

class StateStore {
public:
    explicit StateStore(std::filesystem::path root);
    const std::filesystem::path& root() const { return root_; }

    // Create ROOT/ID (0711) and lock it; the directory appears already locked (it is built under
    // a temporary name and renamed into place). Throws `container with given ID already exists`
    // (runc's text) when it exists. Creates ROOT (0700) on first use.
    ContainerDir create(const std::string& id);
    // Throws the same error as create() when ROOT/ID exists (a cheap early check).
    void require_absent(const std::string& id) const;
    // Throws container_not_found() when ROOT/ID is not there (a cheap early check, and the
    // re-check after a failed open: was it deleted meanwhile?).
    void require_present(const std::string& id) const;
    // Open and lock an existing container, waiting for the lock. Throws container_not_found(),
    // also when the container was removed while we waited.
    ContainerDir open(const std::string& id);
    // Remove ROOT/ID without its lock (a half-made dir whose lock file is missing), for
    // `delete --force`. Nothing to do when it is gone.
    void remove_unlocked(const std::string& id);
    // Removes the temporary dirs ("~creating.", "~deleting.") that a runtime killed while it
    // made or removed a container left behind (their maker is gone and nobody holds their lock).
    void remove_abandoned() const;
    // Ids present under the root, sorted. A missing root is an empty list.
    std::vector<std::string> ids() const;

private:
    std::filesystem::path root_;
};

}  // namespace ocirun::state
