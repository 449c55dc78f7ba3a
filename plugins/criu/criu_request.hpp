// ocirun's checkpoint/restore requests as CRIU RPC messages (rpc.proto's criu_req).
#pragma once

#include <ocirun/plugin.hpp>

#include "rpc.pb.h"

namespace ocirun::criu {

// A DUMP request for `request` (flags as runc passes them to criu). Throws ocirun::Error naming
// the missing field when the request cannot be expressed.
criu_req make_dump_request(const plugin::CheckpointRequest& request);
// A RESTORE request for `request`.
criu_req make_restore_request(const plugin::RestoreRequest& request);

}  // namespace ocirun::criu
