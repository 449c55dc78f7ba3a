#include "container/rfc3339.hpp"

#include <cstdio>

namespace ocirun::container {

std::string rfc3339_nano_utc(const timespec& ts) {
    tm utc{};
    ::gmtime_r(&ts.tv_sec, &utc);
    char base[32];
    std::snprintf(base, sizeof base, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    std::string out = base;
    if (ts.tv_nsec != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09ld", static_cast<long>(ts.tv_nsec));
        std::string f = frac;
        while (f.back() == '0') f.pop_back();  // Go's "999999999" layout trims trailing zeros
        out += f;
    }
    return out + "Z";
}

std::string rfc3339_nano_utc_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return rfc3339_nano_utc(ts);
}

}  // namespace ocirun::container
