#include "plugin/elf_symbol_reader.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "ocirun/error.hpp"

namespace ocirun::plugin_detail {
namespace {

// The whole file: plugins are small (tens to hundreds of KiB), and a bounds check on one buffer
// is simpler than seeking.
std::vector<unsigned char> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw sys_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class T>
T read_at(const std::vector<unsigned char>& file, std::size_t offset, const std::string& what) {
    if (offset > file.size() || file.size() - offset < sizeof(T))
        throw Error(what + ": truncated ELF file");
    T value;
    std::memcpy(&value, file.data() + offset, sizeof(T));
    return value;
}

}  // namespace

std::optional<ElfSymbolBytes> read_elf_dynamic_symbol(const std::filesystem::path& path, const std::string& symbol) {
    const auto file = read_file(path);
    const std::string where = path.string();
    if (file.size() < EI_NIDENT || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0 || file[EI_CLASS] != ELFCLASS64 ||
        file[EI_DATA] != ELFDATA2LSB)
        return std::nullopt;
    const auto ehdr = read_at<Elf64_Ehdr>(file, 0, where);
    if (ehdr.e_shentsize != sizeof(Elf64_Shdr)) throw Error(where + ": unexpected ELF section header size");

    auto section = [&](std::size_t index) {
        if (index >= ehdr.e_shnum) throw Error(where + ": ELF section index out of range");
        return read_at<Elf64_Shdr>(file, ehdr.e_shoff + index * sizeof(Elf64_Shdr), where);
    };
    ElfSymbolBytes result;
    for (std::size_t i = 0; i < ehdr.e_shnum; ++i) {
        const auto symtab = section(i);
        if (symtab.sh_type != SHT_DYNSYM) continue;
        const auto strtab = section(symtab.sh_link);
        const std::size_t count = symtab.sh_entsize ? symtab.sh_size / symtab.sh_entsize : 0;
        for (std::size_t s = 0; s < count; ++s) {
            const auto sym = read_at<Elf64_Sym>(file, symtab.sh_offset + s * symtab.sh_entsize, where);
            if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= ehdr.e_shnum) continue;
            const std::size_t name_at = strtab.sh_offset + sym.st_name;
            if (sym.st_name >= strtab.sh_size || name_at >= file.size()) continue;
            const char* name = reinterpret_cast<const char*>(file.data() + name_at);
            if (::strnlen(name, file.size() - name_at) != symbol.size() || symbol != name) continue;
            const auto holder = section(sym.st_shndx);
            if (sym.st_value < holder.sh_addr || sym.st_value - holder.sh_addr > holder.sh_size ||
                holder.sh_size - (sym.st_value - holder.sh_addr) < sym.st_size)
                throw Error(where + ": symbol " + symbol + " lies outside its ELF section");
            if (holder.sh_type == SHT_NOBITS) {  // .bss: zero-initialised
                result.bytes.assign(sym.st_size, 0);
                return result;
            }
            const std::size_t at = holder.sh_offset + (sym.st_value - holder.sh_addr);
            if (at > file.size() || file.size() - at < sym.st_size) throw Error(where + ": truncated ELF file");
            result.bytes.assign(file.begin() + at, file.begin() + at + sym.st_size);
            return result;
        }
    }
    return result;
}

}  // namespace ocirun::plugin_detail
