// The seccomp syscall-filter plugin: what ocirun loads (as syscall-filter.seccomp.so) when a
// bundle has linux.seccomp. It compiles the profile; the core loads the BPF in the container.
#include <seccomp.h>

#include <optional>
#include <string>
#include <vector>

#include "filter_cache.hpp"
#include "kernel_probe.hpp"
#include "ocirun/plugin.hpp"
#include "profile_compiler.hpp"
#include "profile_key.hpp"
#include "seccomp_names.hpp"

namespace ocirun::seccomp_plugin {
namespace {

std::string libseccomp_version() {
    const scmp_version* v = seccomp_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

// Just enough JSON writing for lists of plain names (no characters that need escaping).
std::string json_string_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ",";
        out += "\"" + items[i] + "\"";
    }
    return out + "]";
}

class SeccompPlugin final : public plugin::SyscallFilter {
public:
    plugin::Info info() const override {
        return {"seccomp", plugin::Kind::SyscallFilter, "0.1.0",
                "linux.seccomp compiled to BPF with libseccomp " + libseccomp_version()};
    }

    std::string unavailable_reason(const plugin::HostContext&) const override {
        return kernel_seccomp_unavailable_reason();
    }

    // runtime-spec features.md "linux.seccomp", plus runc's libseccomp version annotation.
    std::string features_json() const override {
        const bool enabled = kernel_seccomp_unavailable_reason().empty();
        std::vector<std::string> supported;
        if (enabled)
            for (const std::string& flag : flag_names())
                if (kernel_accepts_flag(*parse_flag(flag))) supported.push_back(flag);
        return std::string("{\"linux\":{\"seccomp\":{") +
               "\"enabled\":" + (enabled ? "true" : "false") +
               ",\"actions\":" + json_string_array(action_names()) +
               ",\"operators\":" + json_string_array(operator_names()) +
               ",\"archs\":" + json_string_array(arch_names()) +
               ",\"knownFlags\":" + json_string_array(flag_names()) +
               ",\"supportedFlags\":" + json_string_array(supported) + "}}," +
               "\"annotations\":{\"io.github.seccomp.libseccomp.version\":\"" +
               libseccomp_version() + "\"}}";
    }

    // With a cache directory, a profile compiled once (same profile, plugin file, libseccomp,
    // arch and kernel) is read back instead of compiled; see filter_cache.hpp for what makes a
    // cached file trusted. Only profiles that compiled successfully are ever stored.
    plugin::CompiledFilter compile(const spec::LinuxSeccomp& seccomp) override {
        if (!cache_ || (seccomp.defaultAction.empty() && seccomp.syscalls.empty()))
            return compile_profile(seccomp);
        const std::string key = filter_cache_key(seccomp);
        if (auto hit = cache_->load(key)) {
            hit->listener_path = seccomp.listenerPath;
            hit->listener_metadata = seccomp.listenerMetadata;
            return std::move(*hit);
        }
        plugin::CompiledFilter compiled = compile_profile(seccomp);
        cache_->store(key, compiled);
        return compiled;
    }

    void set_cache_dir(const std::string& dir) override {
        if (dir.empty()) cache_.reset();
        else cache_.emplace(dir);
    }

private:
    std::optional<FilterCache> cache_;
};

}  // namespace
}  // namespace ocirun::seccomp_plugin

OCIRUN_PLUGIN(ocirun::seccomp_plugin::SeccompPlugin)
