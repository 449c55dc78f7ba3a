// Boost.JSON compiled into this library (its header-only mode) instead of linking Debian's
// libboost_json.a, which is not position-independent and so cannot go into a plugin module.
// Hidden visibility keeps this copy private to each plugin.
#include <boost/json/src.hpp>
