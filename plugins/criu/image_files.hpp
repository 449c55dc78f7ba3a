// Files ocirun keeps next to CRIU's images: descriptors.json, the paths of the init's stdin,
// stdout and stderr at dump time (runc's file, same name and format: a JSON array of strings),
// so that restore can hand the restored init new pipes in place of the dumped ones.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocirun::criu {

inline constexpr const char* kDescriptorsFile = "descriptors.json";

// readlink of /proc/PID/fd/0..2 ("pipe:[123]", "/dev/null", "/dev/pts/0").
std::vector<std::string> stdio_links(pid_t pid);
void write_descriptors(const std::string& image_dir, const std::vector<std::string>& links);
// Throws naming the file when it is missing or not a JSON array of strings.
std::vector<std::string> read_descriptors(const std::string& image_dir);

}  // namespace ocirun::criu
