// Shared by the fuzz targets: what counts as a clean refusal.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ocirun/error.hpp"

namespace fuzz {

// Runs `body`. An ocirun::Error is a refusal: its text must start with "ORIGIN: " (the user is
// told which file and field). Anything else thrown escapes and aborts the fuzzer (a finding).
template <typename Body>
void expect_refusal_names(std::string_view origin, Body&& body) {
    try {
        body();
    } catch (const ocirun::Error& e) {
        const std::string what = e.what();
        const std::string prefix = std::string(origin) + ": ";
        if (what.rfind(prefix, 0) != 0) {
            std::fprintf(stderr, "refusal without \"%s\": %s\n", prefix.c_str(), what.c_str());
            std::abort();
        }
    }
}

}  // namespace fuzz
