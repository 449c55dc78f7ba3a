// Reading and writing cgroup control files. Every error names the file (and the value written),
// since that is what a user needs to see when a limit is refused by the kernel.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocirun::cgroups {

namespace fs = std::filesystem;

// Whole file; throws ocirun::Error naming the path.
std::string read_text(const fs::path& file);
// Whole file with trailing whitespace removed, or nullopt when the file does not exist.
std::optional<std::string> read_trimmed_if_exists(const fs::path& file);
// Write to an existing control file (no create, no truncate); throws naming file and value.
void write_text(const fs::path& file, const std::string& value);
// The same, but a file that does not exist is not an error: returns false.
bool write_text_if_exists(const fs::path& file, const std::string& value);
// A single unsigned number; "max" reads as UINT64_MAX.
std::uint64_t read_u64(const fs::path& file);
std::uint64_t read_u64_or(const fs::path& file, std::uint64_t fallback);  // fallback if missing
// Space-separated numbers ("cpuacct.usage_percpu").
std::vector<std::uint64_t> read_u64_list(const fs::path& file);
// "key value" lines (memory.stat, cpu.stat); missing file gives an empty map.
std::map<std::string, std::uint64_t> read_flat_keyed(const fs::path& file);
// Every pid in cgroup.procs of dir and (when recursive) all its descendants.
std::vector<pid_t> read_procs(const fs::path& dir, bool recursive);

}  // namespace ocirun::cgroups
