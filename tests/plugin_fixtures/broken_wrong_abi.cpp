// Broken on purpose: exports an ABI version no ocirun will have (the current one + 1000). The loader must refuse it before calling the
// factory, which would abort the test process if it were called.
#include <ocirun/plugin.hpp>

#include <cstdlib>

extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t ocirun_plugin_abi_version = OCIRUN_PLUGIN_ABI_VERSION + 1000;

namespace fixture {
ocirun::plugin::Plugin* create() { std::abort(); }
}  // namespace fixture
BOOST_DLL_ALIAS(fixture::create, ocirun_plugin_create)
