// Broken on purpose: a plugin of ABI 8 and older, which exported only a plain ABI number. The loader
// must name that ABI, not call the factory (which would abort the test process).
#include <ocirun/plugin.hpp>

#include <cstdlib>

extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t ocirun_plugin_abi_version = 8;

namespace fixture {
ocirun::plugin::Plugin* create() { std::abort(); }
}  // namespace fixture
BOOST_DLL_ALIAS(fixture::create, ocirun_plugin_create)
