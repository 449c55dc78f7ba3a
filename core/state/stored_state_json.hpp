// StoredState <-> Boost.JSON: the format of ROOT/ID/state.json (ocirun's own, not runc's).
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "state/state_store.hpp"

namespace ocirun::state {

boost::json::value to_json(const StoredState& s);
// `origin` (the file path) prefixes every error: "/run/ocirun/x/state.json: init_pid: ...".
StoredState stored_state_from_json(const boost::json::value& v, std::string_view origin);

}  // namespace ocirun::state
