// Broken on purpose: exports a build descriptor whose ABI version no ocirun will have (the current one + 1000),
// or (FIXTURE_BREAK) one that differs from ocirun's in a single other assumption. The loader must refuse it
// before calling the factory, which would abort the test process if it were called.
#include <ocirun/plugin.hpp>

#include <cstdlib>

namespace {
constexpr ocirun_plugin_descriptor_t broken() {
    ocirun_plugin_descriptor_t d = OCIRUN_THIS_BUILD_DESCRIPTOR;
#if FIXTURE_BREAK == 1  // a libc++ build
    d.cxx_library = OCIRUN_CXX_LIBRARY_LIBCXX;
    d.cxx_library_version = 16000;
    d.compiler[0] = 'c', d.compiler[1] = 'l', d.compiler[2] = 'a', d.compiler[3] = 'n', d.compiler[4] = 'g';
    d.compiler[5] = ' ', d.compiler[6] = '1', d.compiler[7] = '6', d.compiler[8] = '\0';
#elif FIXTURE_BREAK == 2  // other SDK headers with the same ABI number
    d.layout_hash ^= 1;
#elif FIXTURE_BREAK == 3  // libstdc++'s old copy-on-write std::string
    d.cxx11_abi = !d.cxx11_abi;
#else
    d.abi_version += 1000;
#endif
    return d;
}
}  // namespace

extern "C" BOOST_SYMBOL_EXPORT const ocirun_plugin_descriptor_t ocirun_plugin_descriptor = broken();

namespace fixture {
ocirun::plugin::Plugin* create() { std::abort(); }
}  // namespace fixture
BOOST_DLL_ALIAS(fixture::create, ocirun_plugin_create)
