// Boost.JSON compiled into the core (its header-only mode) instead of linking Debian's
// libboost_json.so: one shared library fewer for the dynamic loader to map and relocate at every
// `ocirun` start (docs/benchmarks.md). Debian's libboost_json.a is not position-independent, so
// it cannot go into the PIE binary.
#include <boost/json/src.hpp>
