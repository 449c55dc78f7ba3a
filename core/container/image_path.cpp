#include "container/image_path.hpp"

#include <filesystem>

namespace ocirun::container {

std::string checkpoint_image_path(const std::string& given) {
    const std::filesystem::path path = given.empty() ? std::filesystem::path("checkpoint") : std::filesystem::path(given);
    return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace ocirun::container
