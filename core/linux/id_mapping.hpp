// The uid/gid maps of a container's new user namespace, written by the runtime (the parent).
//
// As root the runtime writes /proc/PID/uid_map and gid_map itself. A non-root runtime may write
// only a map of its own euid/egid (one entry, size 1), and for the gid map only after writing
// "deny" to /proc/PID/setgroups; anything else (several ranges, other host ids) goes through the
// setuid helpers newuidmap/newgidmap (Debian's `uidmap`), which check /etc/subuid and
// /etc/subgid. This is runc's way; ocirun ships no setuid helper of its own.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ocirun/spec.hpp"

namespace ocirun::linux_init {

// How one of the two maps gets written.
enum class IdMapWriter {
    kNone,    // no mapping given
    kDirect,  // the runtime writes /proc/PID/{uid,gid}_map itself
    kHelper,  // newuidmap / newgidmap
};

struct IdMapPlan {
    IdMapWriter uid = IdMapWriter::kNone;
    IdMapWriter gid = IdMapWriter::kNone;
    bool deny_setgroups = false;  // a non-root runtime writing the gid map itself must deny setgroups
};

// Decides the writers for `lx`'s maps for the calling process and checks, before anything
// exists, that they can work: the helper is installed and /etc/subuid (/etc/subgid) gives the
// caller the host ids asked for. Throws Error naming linux.uidMappings[N]/gidMappings[N].
// `deny_setgroups` asks for "deny" even when the maps are written directly by root (--rootless).
IdMapPlan plan_id_maps(const spec::Linux& lx, bool deny_setgroups);

// Writes setgroups and the maps of process `pid` (in its new user namespace) as planned.
// Throws Error naming the field, with the helper's own message when it refused.
void write_id_maps(pid_t pid, const spec::Linux& lx, const IdMapPlan& plan);


// "C H S\n" per entry: the kernel's map format.
std::string id_map_text(const std::vector<spec::LinuxIDMapping>& maps);

// The subordinate ranges /etc/subuid-style `text` gives the user `name` (or numeric `id`).
struct SubordinateRange {
    unsigned long long start = 0;
    unsigned long long count = 0;
};
std::vector<SubordinateRange> subordinate_ranges(const std::string& text, const std::string& name, unsigned id);

}  // namespace ocirun::linux_init
