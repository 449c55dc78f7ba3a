#include "state_root.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "ocirun/error.hpp"
#include "ocirun/ocirun.hpp"

namespace ocirun::cli {
namespace {

constexpr const char* kSystemRoot = "/run/ocirun";

// runc: a non-root euid honours XDG_RUNTIME_DIR; so does root in a user namespace unless $USER
// says "root" (sudo inside a rootless session keeps the caller's XDG dir out).
bool honours_xdg_runtime_dir() {
    if (::geteuid() != 0) return true;
    if (!ocirun::running_in_user_namespace()) return false;
    const char* user = std::getenv("USER");
    return user == nullptr || std::string(user) != "root";
}

}  // namespace

DefaultStateRoot default_state_root() {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    if (xdg == nullptr || *xdg == '\0' || !honours_xdg_runtime_dir()) return {kSystemRoot, false};
    return {std::string(xdg) + "/ocirun", true};
}

void prepare_xdg_state_root(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw Error("--root " + path + ": mkdir: " + ec.message());
    if (::chmod(path.c_str(), 0700 | S_ISVTX) != 0) throw sys_error("--root " + path + ": chmod");
}

}  // namespace ocirun::cli
