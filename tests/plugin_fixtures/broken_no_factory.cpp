// Broken on purpose: the right ABI version but no ocirun_plugin_create factory.
#include <ocirun/plugin.hpp>

extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t ocirun_plugin_abi_version = OCIRUN_PLUGIN_ABI_VERSION;
