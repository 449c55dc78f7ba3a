// Moved to the public API: ocirun/unique_fd.hpp (the CLI uses it too).
#pragma once

#include "ocirun/unique_fd.hpp"
