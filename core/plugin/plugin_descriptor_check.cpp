#include "plugin/plugin_descriptor_check.hpp"

#include <cstddef>
#include <cstdio>
#include <cstring>

#include "ocirun/error.hpp"

namespace ocirun::plugin_detail {
namespace {

constexpr ocirun_plugin_descriptor_t kHost = OCIRUN_THIS_BUILD_DESCRIPTOR;

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string compiler_of(const ocirun_plugin_descriptor_t& d) {
    return std::string(d.compiler, ::strnlen(d.compiler, sizeof d.compiler));
}

// "libc++ 14 (clang 14.0.6)": the library and the compiler that built against it.
std::string built_with(const ocirun_plugin_descriptor_t& d) {
    return describe_cxx_library(d) + ", compiled by " + compiler_of(d);
}

}  // namespace

const ocirun_plugin_descriptor_t& host_descriptor() { return kHost; }

std::string describe_cxx_library(const ocirun_plugin_descriptor_t& d) {
    switch (d.cxx_library) {
        case OCIRUN_CXX_LIBRARY_LIBSTDCXX:
            return "libstdc++ of GCC " + std::to_string(d.cxx_library_version) + " (" +
                   (d.cxx11_abi ? "cxx11 ABI" : "pre-cxx11 ABI: copy-on-write std::string") + ", __GLIBCXX__ " +
                   std::to_string(d.cxx_library_date) + ")";
        case OCIRUN_CXX_LIBRARY_LIBCXX:
            return "libc++ " + std::to_string(d.cxx_library_version / 1000) + " (_LIBCPP_VERSION " +
                   std::to_string(d.cxx_library_version) + ")";
    }
    return "an unknown C++ standard library";
}

void check_plugin_descriptor(const std::vector<unsigned char>& bytes, const std::string& where) {
    // size and abi_version are the two fields every descriptor version starts with.
    constexpr std::size_t kStablePrefix = offsetof(ocirun_plugin_descriptor_t, abi_version) + sizeof(std::uint32_t);
    if (bytes.size() < kStablePrefix)
        throw Error(where + ": its ocirun_plugin_descriptor is " + std::to_string(bytes.size()) +
                    " bytes, too small to be one (not built with OCIRUN_PLUGIN())");
    std::uint32_t size = 0, abi = 0;
    std::memcpy(&size, bytes.data() + offsetof(ocirun_plugin_descriptor_t, size), sizeof size);
    std::memcpy(&abi, bytes.data() + offsetof(ocirun_plugin_descriptor_t, abi_version), sizeof abi);
    if (abi != kHost.abi_version)
        throw Error(where + ": built for plugin ABI " + std::to_string(abi) + ", this ocirun needs ABI " +
                    std::to_string(kHost.abi_version) + "; rebuild it against this ocirun's SDK");
    if (size != sizeof(ocirun_plugin_descriptor_t) || bytes.size() != sizeof(ocirun_plugin_descriptor_t))
        throw Error(where + ": its build descriptor is " + std::to_string(bytes.size()) + " bytes, this ocirun's is " +
                    std::to_string(sizeof(ocirun_plugin_descriptor_t)) +
                    " for the same ABI " + std::to_string(abi) + " (other SDK headers); rebuild it against this ocirun's SDK");
    ocirun_plugin_descriptor_t d;
    std::memcpy(&d, bytes.data(), sizeof d);

    // std::string, std::vector, std::map and exceptions cross the boundary: one C++ library.
    if (d.cxx_library != kHost.cxx_library || (kHost.cxx_library == OCIRUN_CXX_LIBRARY_LIBSTDCXX && d.cxx11_abi != kHost.cxx11_abi))
        throw Error(where + ": built against " + built_with(d) + "; ocirun needs " + describe_cxx_library(kHost) +
                    ": std::string, std::vector and exceptions cross the plugin boundary (rebuild it with g++, or "
                    "clang++ without -stdlib=libc++, against this ocirun's SDK)");
    if (d.cxx_debug_containers != kHost.cxx_debug_containers)
        throw Error(where + std::string(": built with") + (d.cxx_debug_containers ? "" : "out") +
                    " the C++ library's debug containers (_GLIBCXX_DEBUG), ocirun " +
                    (kHost.cxx_debug_containers ? "with" : "without") +
                    ": their layouts differ; rebuild it without _GLIBCXX_DEBUG");
    if (d.pointer_size != kHost.pointer_size)
        throw Error(where + ": built for " + std::to_string(d.pointer_size * 8) + "-bit pointers, ocirun uses " +
                    std::to_string(kHost.pointer_size * 8) + "-bit");
    if (d.layout_hash != kHost.layout_hash)
        throw Error(where + ": the SDK types it was built with are laid out differently from ocirun's (layout hash " +
                    hex(d.layout_hash) + ", ocirun's " + hex(kHost.layout_hash) + ", same ABI " + std::to_string(abi) +
                    "): other SDK headers or layout-changing flags; rebuild it against this ocirun's SDK");
}

}  // namespace ocirun::plugin_detail
