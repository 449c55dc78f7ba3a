// ocirun/plugin_descriptor.hpp — what a plugin was built with, as a plain C struct.
//
// OCIRUN_PLUGIN() emits one `extern "C" const ocirun_plugin_descriptor_t ocirun_plugin_descriptor`
// into every plugin. It holds no pointer, so its bytes in the file are its bytes in memory: the
// loader reads it from the ELF file before dlopen() (core/plugin/elf_symbol_reader.cpp), i.e.
// before any code of the plugin runs, not even its static constructors, and refuses a plugin
// whose assumptions differ from ocirun's (docs/plugins.md, "The plugin boundary").
//
// Compatibility rule of this struct itself: `size` and `abi_version` stay its first two fields
// forever; everything after them may change with the ABI version.
#pragma once

#include <boost/version.hpp>
#include <cstdint>

extern "C" {

enum ocirun_cxx_library : std::uint32_t {
    OCIRUN_CXX_LIBRARY_UNKNOWN = 0,
    OCIRUN_CXX_LIBRARY_LIBSTDCXX = 1,  // GNU libstdc++
    OCIRUN_CXX_LIBRARY_LIBCXX = 2,     // LLVM libc++
};

struct ocirun_plugin_descriptor_t {
    std::uint32_t size;                 // sizeof(ocirun_plugin_descriptor_t) the plugin was built with
    std::uint32_t abi_version;          // OCIRUN_PLUGIN_ABI_VERSION
    std::uint32_t cxx_library;          // ocirun_cxx_library
    std::uint32_t cxx_library_version;  // libstdc++: _GLIBCXX_RELEASE (GCC major); libc++: _LIBCPP_VERSION
    std::uint32_t cxx_library_date;     // libstdc++: __GLIBCXX__ (yyyymmdd); 0 otherwise
    std::uint32_t cxx11_abi;            // libstdc++: _GLIBCXX_USE_CXX11_ABI (std::string layout)
    std::uint32_t cxx_debug_containers; // _GLIBCXX_DEBUG / _LIBCPP_DEBUG: other container layouts
    std::uint32_t pointer_size;         // sizeof(void*)
    std::uint32_t cplusplus;            // __cplusplus (informational)
    std::uint32_t boost_version;        // BOOST_VERSION (informational: no Boost type crosses)
    std::uint64_t layout_hash;          // ocirun::plugin::layout::kTableHash (plugin_layout.hpp)
    char compiler[64];                  // "GCC 12.2.0", "clang 14.0.6" (for messages)
};

}  // extern "C"

namespace ocirun::plugin {

// The descriptor of the code that includes this header, for the OCIRUN_PLUGIN() macro and for
// the loader to compare with.
#if defined(_LIBCPP_VERSION)
#define OCIRUN_CXX_LIBRARY OCIRUN_CXX_LIBRARY_LIBCXX
#define OCIRUN_CXX_LIBRARY_VERSION _LIBCPP_VERSION
#define OCIRUN_CXX_LIBRARY_DATE 0
#define OCIRUN_CXX11_ABI 0
#elif defined(__GLIBCXX__)
#define OCIRUN_CXX_LIBRARY OCIRUN_CXX_LIBRARY_LIBSTDCXX
#define OCIRUN_CXX_LIBRARY_VERSION _GLIBCXX_RELEASE
#define OCIRUN_CXX_LIBRARY_DATE __GLIBCXX__
#define OCIRUN_CXX11_ABI _GLIBCXX_USE_CXX11_ABI
#else
#define OCIRUN_CXX_LIBRARY OCIRUN_CXX_LIBRARY_UNKNOWN
#define OCIRUN_CXX_LIBRARY_VERSION 0
#define OCIRUN_CXX_LIBRARY_DATE 0
#define OCIRUN_CXX11_ABI 0
#endif
#if defined(_GLIBCXX_DEBUG) || (defined(_LIBCPP_DEBUG) && _LIBCPP_DEBUG > 0)
#define OCIRUN_CXX_DEBUG_CONTAINERS 1
#else
#define OCIRUN_CXX_DEBUG_CONTAINERS 0
#endif
#define OCIRUN_STRINGIFY_(x) #x
#define OCIRUN_STRINGIFY(x) OCIRUN_STRINGIFY_(x)
#if defined(__clang__)
#define OCIRUN_COMPILER_NAME \
    "clang " OCIRUN_STRINGIFY(__clang_major__) "." OCIRUN_STRINGIFY(__clang_minor__) "." OCIRUN_STRINGIFY(__clang_patchlevel__)
#elif defined(__GNUC__)
#define OCIRUN_COMPILER_NAME \
    "GCC " OCIRUN_STRINGIFY(__GNUC__) "." OCIRUN_STRINGIFY(__GNUC_MINOR__) "." OCIRUN_STRINGIFY(__GNUC_PATCHLEVEL__)
#else
#define OCIRUN_COMPILER_NAME "unknown compiler"
#endif

#define OCIRUN_THIS_BUILD_DESCRIPTOR                                                              \
    {                                                                                             \
        sizeof(ocirun_plugin_descriptor_t), OCIRUN_PLUGIN_ABI_VERSION, OCIRUN_CXX_LIBRARY,          \
            OCIRUN_CXX_LIBRARY_VERSION, OCIRUN_CXX_LIBRARY_DATE, OCIRUN_CXX11_ABI,                \
            OCIRUN_CXX_DEBUG_CONTAINERS, sizeof(void*), static_cast<std::uint32_t>(__cplusplus),  \
            BOOST_VERSION, ::ocirun::plugin::layout::kTableHash, OCIRUN_COMPILER_NAME             \
    }

}  // namespace ocirun::plugin
