// The compiled-filter cache: <dir>/<hash>.bpf files holding one compiled profile each.
//
// A file is trusted only when it is a regular file owned by us in a directory owned by us and
// writable by nobody else, its lengths add up (the BPF a whole number of 8-byte instructions),
// its checksum matches, and the key stored in it equals the key asked for byte for byte. Any
// other file is a miss: the caller compiles and the file is replaced. Writes go to a temporary
// name and are renamed into place, so readers see a whole file or none. No fsync: a file torn
// by a crash fails the checksum and is recompiled.
#pragma once

#include <optional>
#include <string>

#include "ocirun/plugin.hpp"

namespace ocirun::seccomp_plugin {

class FilterCache {
public:
    explicit FilterCache(std::string dir) : dir_(std::move(dir)) {}

    // The cached filter for `key` (bpf, flags, notify, skipped_syscalls), or nothing.
    std::optional<plugin::CompiledFilter> load(const std::string& key) const;
    // Best effort: a cache that cannot be written is only slower, never an error.
    void store(const std::string& key, const plugin::CompiledFilter& filter) const;

    // The file that holds `key`'s entry (for tests and debugging).
    std::string path_for(const std::string& key) const;

    // Above this many files the directory is emptied before the next store.
    static constexpr std::size_t kMaxEntries = 256;

private:
    std::string dir_;
};

}  // namespace ocirun::seccomp_plugin
