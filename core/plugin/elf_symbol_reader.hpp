// Reads the bytes of one exported data symbol from an ELF shared object on disk, without mapping
// or running it: the loader takes a plugin's build descriptor this way before dlopen().
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ocirun::plugin_detail {

struct ElfSymbolBytes {
    std::vector<unsigned char> bytes;  // the symbol's st_size bytes as initialised in the file
};

// nullopt when `path` is not a 64-bit little-endian ELF file of this machine (the caller lets
// dlopen() say why); throws ocirun::Error naming the file when it is one but is malformed.
// The result's bytes are empty when the dynamic symbol table has no defined `symbol`.
std::optional<ElfSymbolBytes> read_elf_dynamic_symbol(const std::filesystem::path& path, const std::string& symbol);

}  // namespace ocirun::plugin_detail
