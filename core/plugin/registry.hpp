// Moved to the public API: ocirun/plugins.hpp (the CLI uses it too).
#pragma once

#include "ocirun/plugins.hpp"
