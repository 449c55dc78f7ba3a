#include "filter_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "profile_key.hpp"

namespace ocirun::seccomp_plugin {
namespace {

constexpr char kMagic[8] = {'O', 'C', 'I', 'B', 'P', 'F', '1', '\n'};
constexpr std::size_t kBpfInstructionSize = 8;       // sizeof(struct sock_filter)
constexpr std::size_t kMaxFileSize = 16u << 20;      // far above any real filter
constexpr const char* kSuffix = ".bpf";

// Native byte order: the cache never leaves this host.
struct Header {
    char magic[8];
    std::uint32_t key_len;
    std::uint32_t bpf_len;
    std::uint32_t flags;
    std::uint32_t notify;
    std::uint32_t skipped_count;
    std::uint32_t skipped_len;  // the skipped names, each followed by '\0'
    std::uint64_t checksum;     // FNV-1a 64 of everything after the header
};
static_assert(sizeof(Header) == 40);

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Our directory, not a symlink, writable by us only: otherwise another user could plant filters.
bool trusted_dir(int dirfd) {
    struct stat st {};
    return ::fstat(dirfd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() &&
           (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

int open_dir(const std::string& dir) { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); }

bool read_all(int fd, std::string& out, std::size_t size) {
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, out.data() + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Keeps the directory bounded: a host that sees many distinct profiles starts over.
void prune_if_full(int dirfd) {
    const int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return;
    DIR* d = ::fdopendir(dup);
    if (!d) {
        ::close(dup);
        return;
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d))  // entries and stale temporaries alike
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    ::closedir(d);
    if (names.size() < FilterCache::kMaxEntries) return;
    for (const auto& name : names) ::unlinkat(dirfd, name.c_str(), 0);
}

}  // namespace

std::string FilterCache::path_for(const std::string& key) const { return dir_ + "/" + key_hash_hex(key) + kSuffix; }

std::optional<plugin::CompiledFilter> FilterCache::load(const std::string& key) const {
    Fd dir{open_dir(dir_)};
    if (dir.fd < 0 || !trusted_dir(dir.fd)) return std::nullopt;
    const std::string name = key_hash_hex(key) + kSuffix;
    Fd file{::openat(dir.fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (file.fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_size < static_cast<off_t>(sizeof(Header)) || st.st_size > static_cast<off_t>(kMaxFileSize))
        return std::nullopt;
    std::string data;
    if (!read_all(file.fd, data, static_cast<std::size_t>(st.st_size))) return std::nullopt;

    Header h{};
    std::memcpy(&h, data.data(), sizeof h);
    const std::size_t payload = std::size_t{h.key_len} + h.skipped_len + h.bpf_len;
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || data.size() != sizeof h + payload ||
        h.bpf_len == 0 || h.bpf_len % kBpfInstructionSize != 0 || h.notify > 1)
        return std::nullopt;
    if (fnv1a64(data.data() + sizeof h, payload) != h.checksum) return std::nullopt;
    if (data.compare(sizeof h, h.key_len, key) != 0) return std::nullopt;

    plugin::CompiledFilter out;
    out.flags = h.flags;
    out.notify = h.notify == 1;
    // Skipped names: '\0'-terminated, exactly skipped_count of them.
    std::size_t pos = sizeof h + h.key_len;
    const std::size_t skipped_end = pos + h.skipped_len;
    while (pos < skipped_end) {
        const std::size_t nul = data.find('\0', pos);
        if (nul == std::string::npos || nul >= skipped_end) return std::nullopt;
        out.skipped_syscalls.push_back(data.substr(pos, nul - pos));
        pos = nul + 1;
    }
    if (out.skipped_syscalls.size() != h.skipped_count) return std::nullopt;
    out.bpf.assign(data.begin() + static_cast<std::ptrdiff_t>(skipped_end), data.end());
    out.from_cache = true;
    return out;
}

void FilterCache::store(const std::string& key, const plugin::CompiledFilter& filter) const {
    if (filter.bpf.empty() || filter.bpf.size() % kBpfInstructionSize != 0) return;
    // The parent (the state root) must exist already: the cache never creates the root.
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return;
    Fd dir{open_dir(dir_)};
    if (dir.fd < 0 || !trusted_dir(dir.fd)) return;
    prune_if_full(dir.fd);

    std::string skipped;
    for (const auto& name : filter.skipped_syscalls) {
        if (name.find('\0') != std::string::npos) return;
        skipped += name;
        skipped += '\0';
    }
    std::string payload = key;
    payload += skipped;
    payload.append(reinterpret_cast<const char*>(filter.bpf.data()), filter.bpf.size());

    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.key_len = static_cast<std::uint32_t>(key.size());
    h.bpf_len = static_cast<std::uint32_t>(filter.bpf.size());
    h.flags = filter.flags;
    h.notify = filter.notify ? 1 : 0;
    h.skipped_count = static_cast<std::uint32_t>(filter.skipped_syscalls.size());
    h.skipped_len = static_cast<std::uint32_t>(skipped.size());
    h.checksum = fnv1a64(payload.data(), payload.size());
    if (sizeof h + payload.size() > kMaxFileSize) return;
    std::string data(reinterpret_cast<const char*>(&h), sizeof h);
    data += payload;

    const std::string name = key_hash_hex(key) + kSuffix;
    const std::string temp = "." + name + "." + std::to_string(::getpid()) + ".tmp";
    Fd file{::openat(dir.fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (file.fd < 0) return;
    const bool written = write_all(file.fd, data);
    ::close(file.fd);
    file.fd = -1;
    if (!written || ::renameat(dir.fd, temp.c_str(), dir.fd, name.c_str()) != 0) ::unlinkat(dir.fd, temp.c_str(), 0);
}

}  // namespace ocirun::seccomp_plugin
