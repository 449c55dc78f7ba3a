// Moved to the public API: ocirun/log.hpp (the CLI uses it too).
#pragma once

#include "ocirun/log.hpp"
