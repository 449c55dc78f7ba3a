// The compiled-filter cache key: everything the BPF output depends on, as one text.
#pragma once

#include <cstdint>
#include <string>

#include "ocirun/spec.hpp"

namespace ocirun::seccomp_plugin {

// linux.seccomp as canonical text (JSON-like layout in a fixed key order, every field, strings
// written <length>:<bytes>) followed by
// what else decides the output: the plugin ABI, this plugin file (size and mtime: a rebuilt
// compiler never reuses an older one's output), the libseccomp version, the native
// architecture and the kernel release (flags are probed on the running kernel).
std::string filter_cache_key(const spec::LinuxSeccomp& seccomp);

// FNV-1a 64 as 16 hex digits: the cache file's name. Collisions are harmless: the file
// holds the whole key and a hit needs an exact match.
std::string key_hash_hex(const std::string& key);
std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed = 0xcbf29ce484222325ull);

}  // namespace ocirun::seccomp_plugin
