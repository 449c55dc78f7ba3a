#include "profile_key.hpp"

#include <dlfcn.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstdio>

#include "ocirun/plugin.hpp"

namespace ocirun::seccomp_plugin {
namespace {

// A string as <length>:<bytes>: unambiguous whatever bytes it holds, with nothing to escape
// (the key is compared byte for byte, never parsed).
void append_string(std::string& out, const std::string& s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        append_string(out, items[i]);
    }
    out += ']';
}

void append_optional(std::string& out, const std::optional<std::uint32_t>& v) {
    out += v ? std::to_string(*v) : std::string("null");
}

std::string canonical_text(const spec::LinuxSeccomp& s) {
    std::string out = "{\"defaultAction\":";
    append_string(out, s.defaultAction);
    out += ",\"defaultErrnoRet\":";
    append_optional(out, s.defaultErrnoRet);
    out += ",\"architectures\":";
    append_string_array(out, s.architectures);
    out += ",\"flags\":";
    append_string_array(out, s.flags);
    out += ",\"listenerPath\":";
    append_string(out, s.listenerPath);
    out += ",\"listenerMetadata\":";
    append_string(out, s.listenerMetadata);
    out += ",\"syscalls\":[";
    for (std::size_t i = 0; i < s.syscalls.size(); ++i) {
        const auto& rule = s.syscalls[i];
        if (i) out += ',';
        out += "{\"names\":";
        append_string_array(out, rule.names);
        out += ",\"action\":";
        append_string(out, rule.action);
        out += ",\"errnoRet\":";
        append_optional(out, rule.errnoRet);
        out += ",\"args\":[";
        for (std::size_t k = 0; k < rule.args.size(); ++k) {
            const auto& a = rule.args[k];
            if (k) out += ',';
            out += "{\"index\":" + std::to_string(a.index) + ",\"value\":" + std::to_string(a.value) +
                   ",\"valueTwo\":" + std::to_string(a.valueTwo) + ",\"op\":";
            append_string(out, a.op);
            out += '}';
        }
        out += "]}";
    }
    out += "]}";
    return out;
}

// Facts about this process that do not change while it runs: computed once.
std::string environment_part() {
    std::string out = "\nabi=" + std::to_string(OCIRUN_PLUGIN_ABI_VERSION);
    Dl_info self{};
    struct stat st {};
    if (::dladdr(reinterpret_cast<void*>(&canonical_text), &self) != 0 && self.dli_fname &&
        ::stat(self.dli_fname, &st) == 0)
        out += "\nplugin=" + std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec);
    const scmp_version* v = seccomp_version();
    out += "\nlibseccomp=" + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
           std::to_string(v->micro);
    out += "\nnative=" + std::to_string(seccomp_arch_native());
    utsname u{};
    if (::uname(&u) == 0) out += std::string("\nkernel=") + u.release + " " + u.version;
    return out;
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed) {
    std::uint64_t h = seed;
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string filter_cache_key(const spec::LinuxSeccomp& seccomp) {
    static const std::string environment = environment_part();
    return canonical_text(seccomp) + environment;
}

std::string key_hash_hex(const std::string& key) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(key.data(), key.size())));
    return buf;
}

}  // namespace ocirun::seccomp_plugin
