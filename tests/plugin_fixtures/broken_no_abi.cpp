// Broken on purpose: has the factory but no ocirun_plugin_descriptor. The factory must not be
// called (it aborts).
#include <ocirun/plugin.hpp>

#include <cstdlib>

namespace fixture {
ocirun::plugin::Plugin* create() { std::abort(); }
}  // namespace fixture
BOOST_DLL_ALIAS(fixture::create, ocirun_plugin_create)
