// The flags create and run share.
#pragma once

#include "options.hpp"

namespace CLI {
class App;
}

namespace ocirun::cli {

void add_create_flags(CLI::App& app, CreateCommand& cmd);

}  // namespace ocirun::cli
