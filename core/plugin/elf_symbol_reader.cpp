#include "plugin/elf_symbol_reader.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ocirun/error.hpp"
#include "ocirun/unique_fd.hpp"

namespace ocirun::plugin_detail {
namespace {

// Only the parts the lookup needs are read (header, section headers, .dynsym, .dynstr and the
// symbol's bytes): a sanitizer build's plugin is tens of MiB, and this runs before every load.
class ElfFile {
public:
    explicit ElfFile(const std::filesystem::path& path) : where_(path.string()) {
        fd_.reset(::open(where_.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat st {};
        if (fd_.get() < 0 || ::fstat(fd_.get(), &st) != 0) throw sys_error("cannot read " + where_);
        size_ = static_cast<std::uint64_t>(st.st_size);
    }
    const std::string& where() const { return where_; }
    std::uint64_t size() const { return size_; }

    // n bytes at offset, all inside the file, or an error naming it.
    std::vector<unsigned char> bytes(std::uint64_t offset, std::uint64_t n) const {
        if (offset > size_ || size_ - offset < n) throw Error(where_ + ": truncated ELF file");
        std::vector<unsigned char> out(n);
        for (std::uint64_t done = 0; done < n;) {
            const ssize_t r = ::pread(fd_.get(), out.data() + done, n - done, static_cast<off_t>(offset + done));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) throw sys_error("cannot read " + where_);
            done += static_cast<std::uint64_t>(r);
        }
        return out;
    }
    template <class T>
    T value(std::uint64_t offset) const {
        const auto raw = bytes(offset, sizeof(T));
        T v;
        std::memcpy(&v, raw.data(), sizeof(T));
        return v;
    }

private:
    std::string where_;
    UniqueFd fd_;
    std::uint64_t size_ = 0;
};

template <class T>
T entry(const std::vector<unsigned char>& table, std::size_t index) {
    T v;
    std::memcpy(&v, table.data() + index * sizeof(T), sizeof(T));
    return v;
}

}  // namespace

std::optional<ElfSymbolBytes> read_elf_dynamic_symbol(const std::filesystem::path& path, const std::string& symbol) {
    const ElfFile file(path);
    if (file.size() < sizeof(Elf64_Ehdr)) return std::nullopt;
    const auto ehdr = file.value<Elf64_Ehdr>(0);
    if (std::memcmp(ehdr.e_ident, ELFMAG, SELFMAG) != 0 || ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
        ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
        return std::nullopt;
    const std::string& where = file.where();
    if (ehdr.e_shentsize != sizeof(Elf64_Shdr)) throw Error(where + ": unexpected ELF section header size");
    const auto sections = file.bytes(ehdr.e_shoff, std::uint64_t{ehdr.e_shnum} * sizeof(Elf64_Shdr));
    auto section = [&](std::size_t index) {
        if (index >= ehdr.e_shnum) throw Error(where + ": ELF section index out of range");
        return entry<Elf64_Shdr>(sections, index);
    };

    ElfSymbolBytes result;
    for (std::size_t i = 0; i < ehdr.e_shnum; ++i) {
        const auto symtab = section(i);
        if (symtab.sh_type != SHT_DYNSYM) continue;
        if (symtab.sh_entsize != sizeof(Elf64_Sym)) throw Error(where + ": unexpected ELF symbol size");
        const auto strtab_header = section(symtab.sh_link);
        const auto symbols = file.bytes(symtab.sh_offset, symtab.sh_size);
        const auto strings = file.bytes(strtab_header.sh_offset, strtab_header.sh_size);
        for (std::size_t s = 0; s < symtab.sh_size / sizeof(Elf64_Sym); ++s) {
            const auto sym = entry<Elf64_Sym>(symbols, s);
            if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= ehdr.e_shnum || sym.st_name >= strings.size()) continue;
            const char* name = reinterpret_cast<const char*>(strings.data() + sym.st_name);
            if (::strnlen(name, strings.size() - sym.st_name) != symbol.size() || symbol != name) continue;
            const auto holder = section(sym.st_shndx);
            if (sym.st_value < holder.sh_addr || sym.st_value - holder.sh_addr > holder.sh_size ||
                holder.sh_size - (sym.st_value - holder.sh_addr) < sym.st_size)
                throw Error(where + ": symbol " + symbol + " lies outside its ELF section");
            if (holder.sh_type == SHT_NOBITS) {  // .bss: zero-initialised
                result.bytes.assign(sym.st_size, 0);
                return result;
            }
            result.bytes = file.bytes(holder.sh_offset + (sym.st_value - holder.sh_addr), sym.st_size);
            return result;
        }
    }
    return result;
}

}  // namespace ocirun::plugin_detail
