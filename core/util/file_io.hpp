// Small whole-file helpers used across the core. All paths are host paths; code that must
// stay inside a rootfs uses the fd-based walkers in core/linux instead.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ocirun::fileio {

// Whole file as a string; throws ocirun::Error naming the path.
std::string read_file(const std::filesystem::path& path);
// Like read_file, but std::nullopt when the file does not exist (ENOENT).
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);
// Write data to an existing file (e.g. a cgroup or /proc file) without truncating or creating.
void write_existing(const std::filesystem::path& path, std::string_view data);
// Atomic replace: write dir/.name.tmpXXXX, fsync it when `durable`, rename over path,
// fsync the directory when `durable`. Readers see the old or the new content, never a mix.
void write_atomic(const std::filesystem::path& path, std::string_view data, bool durable = true,
                  unsigned mode = 0644);

}  // namespace ocirun::fileio
