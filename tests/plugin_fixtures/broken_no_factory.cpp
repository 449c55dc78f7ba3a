// Broken on purpose: the right ABI version but no ocirun_plugin_create factory.
#include <ocirun/plugin.hpp>

extern "C" BOOST_SYMBOL_EXPORT const ocirun_plugin_descriptor_t ocirun_plugin_descriptor = OCIRUN_THIS_BUILD_DESCRIPTOR;
