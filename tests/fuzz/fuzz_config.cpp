// Fuzz target: config.json text -> parse_config -> validate, as `create` reads a bundle.
// A refused input must be an ocirun::Error whose text starts with the origin ("config.json: ");
// any other exception, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "spec/spec_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::expect_refusal_names("config.json", [&] {
        ocirun::spec::Spec spec = ocirun::spec::parse_config(text, "config.json");
        ocirun::spec::validate(spec, "config.json");
        // What `create` writes back (the stored copy, hooks' state) must serialise too.
        (void)ocirun::spec::to_json(spec);
    });
    return 0;
}
