// The default --root: runc's rule with ocirun's names. /run/ocirun, except for a non-root user
// (or a non-"root" $USER inside a user namespace) whose $XDG_RUNTIME_DIR is set:
// $XDG_RUNTIME_DIR/ocirun, made 0700 with the sticky bit (the XDG spec's "do not prune").
#pragma once

#include <string>

namespace ocirun::cli {

struct DefaultStateRoot {
    std::string path;
    bool under_xdg_runtime_dir = false;
};

DefaultStateRoot default_state_root();

// Creates the XDG state root as runc does (0700 + sticky); throws Error naming it.
void prepare_xdg_state_root(const std::string& path);

}  // namespace ocirun::cli
