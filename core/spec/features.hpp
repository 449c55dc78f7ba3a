// Moved to the public API: ocirun/features.hpp (the CLI uses it too).
#pragma once

#include "ocirun/features.hpp"
