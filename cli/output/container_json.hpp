// `state` and `list --format json` output, byte for byte in runc's shape.
#pragma once

#include <string>
#include <vector>

#include "ocirun/ocirun.hpp"

namespace ocirun::cli {

// runc state: json.MarshalIndent(state, "", "  ") with no trailing newline; fields ociVersion,
// id, pid, status, bundle, rootfs, created, owner, then annotations only when non-empty.
std::string state_json(const ContainerState& s);

// runc list --format json: one compact array and a newline; "null" when there is none.
// `owners[i]` replaces states[i].owner (list shows the state directory's owner by name).
std::string list_json(const std::vector<ContainerState>& states,
                      const std::vector<std::string>& owners);

}  // namespace ocirun::cli
