// lsm.landlock.so — a third-party ocirun plugin, built out of tree against the installed SDK only.
//
// It serves the bundle annotation "io.github.ocirun.lsm.landlock": a colon-separated list of
// absolute paths (inside the container) beneath which the container's processes may create,
// remove, rename and link files. Everywhere else the kernel's Landlock LSM refuses these with
// EACCES. Reading, writing existing files and executing are not restricted.
//
// Only the namespace-changing accesses are handled, on purpose: the ruleset is enforced in the
// container's init before the runtime's last steps (opening its exec fifo, execve of the
// trampoline), which a rule on reading, writing or executing would also catch.
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdint>
#include <string>
#include <vector>

#include <ocirun/plugin.hpp>

namespace {

constexpr const char* kField = "annotations[\"io.github.ocirun.lsm.landlock\"]";

// Landlock ABI 1 (Linux 5.13): creating and removing directory entries of every type.
constexpr std::uint64_t kCreateRemove =
    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
// ABI 2 (Linux 5.19): renaming or linking across directories, handled when the kernel has it
// (without it such renames are refused outright).
constexpr std::uint64_t kRefer = 1ULL << 13;  // LANDLOCK_ACCESS_FS_REFER

// The highest Landlock ABI of this kernel, or -errno (EOPNOTSUPP: built but disabled at boot;
// ENOSYS: not built).
long landlock_abi() {
    const long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v < 0 ? -errno : v;
}

std::string why_unavailable() {
    const long abi = landlock_abi();
    if (abi >= 1) return {};
    if (abi == -EOPNOTSUPP) return "Landlock is built into the kernel but not enabled (add landlock to the lsm= boot parameter)";
    if (abi == -ENOSYS) return "the kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)";
    return "Landlock is not usable here: landlock_create_ruleset: " + std::string(std::strerror(static_cast<int>(-abi)));
}

std::vector<std::string> parse_paths(const std::string& value) {
    std::vector<std::string> paths;
    std::string::size_type start = 0;
    while (true) {
        const auto end = value.find(':', start);
        std::string path = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (path.empty() || path[0] != '/')
            throw ocirun::InvalidConfig(kField, "\"" + path + "\" is not an absolute path (expected absolute paths separated by ':')");
        paths.push_back(std::move(path));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return paths;
}

class FdCloser {
public:
    explicit FdCloser(int fd) : fd_(fd) {}
    ~FdCloser() {
        if (fd_ >= 0) ::close(fd_);
    }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

class LandlockLsm final : public ocirun::plugin::Lsm {
public:
    ocirun::plugin::Info info() const override {
        return {"landlock", ocirun::plugin::Kind::Lsm, "1.0",
                "Landlock: confines where the container may create and remove files"};
    }
    std::string unavailable_reason(const ocirun::plugin::HostContext&) const override { return why_unavailable(); }
    std::string features_json() const override {
        const long abi = landlock_abi();
        return "{\"landlock\":{\"enabled\":" + std::string(abi >= 1 ? "true" : "false") +
               ",\"abi\":" + std::to_string(abi >= 1 ? abi : 0) + "}}";
    }

    std::vector<std::string> fields() const override { return {kField}; }

    void validate(const std::string&, const std::string& value) const override {
        parse_paths(value);
        const std::string why = why_unavailable();
        if (!why.empty()) throw ocirun::InvalidConfig(kField, why, ocirun::ErrorKind::HostUnsupported);
    }

    // In the container's init (and each exec'd process), after the rootfs is set up: the paths
    // resolve inside the container. The domain is inherited by everything it starts.
    void set_exec_label(const std::string&, const std::string& value) override {
        const std::uint64_t handled = kCreateRemove | (landlock_abi() >= 2 ? kRefer : 0);
        landlock_ruleset_attr attr{};
        attr.handled_access_fs = handled;
        FdCloser ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0)));
        if (ruleset.get() < 0) throw ocirun::sys_error(std::string(kField) + ": landlock_create_ruleset");
        for (const std::string& path : parse_paths(value)) {
            FdCloser dir(::open(path.c_str(), O_PATH | O_CLOEXEC));
            if (dir.get() < 0) throw ocirun::sys_error(std::string(kField) + ": " + path);
            landlock_path_beneath_attr rule{};
            rule.allowed_access = handled;
            rule.parent_fd = dir.get();
            if (::syscall(SYS_landlock_add_rule, ruleset.get(), LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
                throw ocirun::sys_error(std::string(kField) + ": landlock_add_rule " + path);
        }
        // Allowed without no_new_privs: the init still holds CAP_SYS_ADMIN in its user namespace here.
        if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0)
            throw ocirun::sys_error(std::string(kField) + ": landlock_restrict_self");
    }

    // Landlock labels no mount.
    std::string mount_label_option(const std::string&) const override { return {}; }
};

}  // namespace

OCIRUN_PLUGIN(LandlockLsm)
