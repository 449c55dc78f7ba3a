// Moved to the public API: ocirun/spec_json.hpp (the CLI uses it too).
#pragma once

#include "ocirun/spec_json.hpp"
