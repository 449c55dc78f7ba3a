// /proc/<pid>/mountinfo, one parser for the core and the cgroup drivers (proc(5)):
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
// The kernel writes space, tab, newline and backslash in paths as \040, \011, \012 and \134;
// the parsed fields hold the real characters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirun::host {

struct MountInfo {
    int id = 0;
    int parent_id = 0;
    std::string major_minor;                   // "98:0"
    std::string root;                          // the mount's root inside its filesystem
    std::string mount_point;                   // in this process's mount namespace
    std::string mount_options;                 // per-mount: "rw,noatime"
    std::vector<std::string> optional_fields;  // "shared:1", "master:2", "propagate_from:3", "unbindable"
    std::string fstype;                        // "ext4", "cgroup2"
    std::string source;                        // "/dev/root", "none"
    std::string super_options;                 // per-filesystem: "rw,errors=continue"

    bool shared() const;  // an optional field "shared:N": mount events propagate from it
};

// "\040" -> " " (any \ooo octal escape); other text unchanged.
std::string unescape_mountinfo(std::string_view field);

// One line; nullopt for a line that is not a mountinfo line (too few fields, no "-" separator).
std::optional<MountInfo> parse_mountinfo_line(std::string_view line);

// Every parsable line of `text`, in order (later lines are mounted on top of earlier ones).
std::vector<MountInfo> parse_mountinfo(std::string_view text);

// parse_mountinfo of a file, "/proc/self/mountinfo" by default. Throws ocirun::Error when the
// file cannot be read.
std::vector<MountInfo> read_mountinfo(const std::string& path = "/proc/self/mountinfo");

// The mount that holds `path` (absolute, normalised): the last of the longest mount points that
// are `path` or one of its parent directories. nullopt when none does (no "/" in `mounts`).
std::optional<MountInfo> mount_holding(const std::vector<MountInfo>& mounts, const std::string& path);

}  // namespace ocirun::host
