// Where checkpoint writes and restore reads the images when --image-path is not given.
#pragma once

#include <string>

namespace ocirun::container {

// `given` made absolute against the current directory; "" means runc's default, ./checkpoint.
std::string checkpoint_image_path(const std::string& given);

}  // namespace ocirun::container
