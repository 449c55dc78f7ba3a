// Fuzz target: linux.seccomp -> the seccomp plugin's compile() (the syscall-filter entry the
// registry calls), loaded from the built plugin file as the runtime loads it. The input is a
// whole config.json; inputs without linux.seccomp, or refused by the parser, are skipped (the
// config fuzzer covers those). A refusal by the compiler must name the field ("linux.seccomp...").
#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>

#include "ocirun/error.hpp"
#include "ocirun/plugin.hpp"
#include "spec/spec_json.hpp"

namespace {

ocirun::plugin::SyscallFilter& seccomp_plugin() {
    static boost::dll::shared_library library(OCIRUN_FUZZ_SECCOMP_PLUGIN);
    static std::unique_ptr<ocirun::plugin::Plugin> instance(
        library.get_alias<ocirun::plugin::Plugin*()>("ocirun_plugin_create")());
    auto* filter = dynamic_cast<ocirun::plugin::SyscallFilter*>(instance.get());
    if (!filter) {
        std::fprintf(stderr, "%s is not a syscall-filter plugin\n", OCIRUN_FUZZ_SECCOMP_PLUGIN);
        std::abort();
    }
    return *filter;
}

std::optional<ocirun::spec::Spec> parsed(std::string_view text) {
    try {
        ocirun::spec::Spec spec = ocirun::spec::parse_config(text, "config.json");
        ocirun::spec::validate(spec, "config.json");
        return spec;
    } catch (const ocirun::Error&) {
        return std::nullopt;
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)seccomp_plugin();  // dlopen before fuzzing starts, so its coverage counters are seen
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::optional<ocirun::spec::Spec> spec =
        parsed(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!spec || !spec->linuxSection || !spec->linuxSection->seccomp) return 0;
    try {
        ocirun::plugin::CompiledFilter filter = seccomp_plugin().compile(*spec->linuxSection->seccomp);
        (void)filter;
    } catch (const ocirun::NotImplemented&) {
    } catch (const ocirun::Error& e) {
        const std::string what = e.what();
        if (what.rfind("linux.seccomp", 0) != 0) {
            std::fprintf(stderr, "seccomp refusal not naming linux.seccomp: %s\n", what.c_str());
            std::abort();
        }
    }
    return 0;
}
