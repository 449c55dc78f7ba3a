// config.json mount options split into what mount(2), the propagation calls and
// mount_setattr(2) each need, using the shared table in core/spec/known_names.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ocirun::linux_init {

struct ParsedMountOptions {
    unsigned long flags = 0;                  // MS_* to set (MS_BIND, MS_RDONLY, ...)
    std::vector<unsigned long> propagation;   // applied one by one after the mount
    std::uint64_t attr_set = 0;               // recursive forms ("rro"): mount_setattr AT_RECURSIVE
    std::uint64_t attr_clr = 0;
    bool idmap = false;
    bool tmpcopyup = false;                   // tmpfs starts with a copy of the covered directory
    std::string data;                         // filesystem options ("mode=755,size=65536k")

    bool is_bind() const;
};

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options);

// MS_* flags that a bind remount must keep because the kernel locks them (the source mount's
// nosuid/nodev/noexec/ro/atime flags, as statvfs reports them).
unsigned long locked_mount_flags(const std::string& path);

}  // namespace ocirun::linux_init
