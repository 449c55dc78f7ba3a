// Timestamps as runc writes them in state.json's "created": Go's RFC3339Nano in UTC
// ("2024-05-01T10:00:00.123456789Z", trailing zeros of the fraction dropped).
#pragma once

#include <time.h>

#include <string>

namespace ocirun::container {

std::string rfc3339_nano_utc(const timespec& ts);
std::string rfc3339_nano_utc_now();

}  // namespace ocirun::container
