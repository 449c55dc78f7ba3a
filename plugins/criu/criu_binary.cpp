#include "criu_binary.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace ocirun::criu {

std::optional<std::string> find_criu_binary() {
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "";
    while (true) {
        const auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
        const std::string candidate = dir + "/criu";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

}  // namespace ocirun::criu
