// Runs `echo hello from libocirun` in a container, using only libocirun's public API.
//
//   ocirun_example_run BUNDLE [ROOT [ID]]
//
// BUNDLE needs only a rootfs/ directory holding an `echo` in /bin (busybox will do): the
// configuration is built here in code and handed to create() instead of a config.json.
#include <unistd.h>

#include <iostream>
#include <string>

#include "ocirun/ocirun.hpp"

namespace {

ocirun::spec::Spec echo_spec() {
    using namespace ocirun::spec;
    Spec spec;
    spec.ociVersion = kSpecVersion;
    spec.root = Root{.path = "rootfs", .readonly = true};
    spec.hostname = "example";

    Process process;
    process.args = {"echo", "hello from libocirun"};
    process.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    process.cwd = "/";
    spec.process = process;

    spec.mounts = {
        {.destination = "/proc", .type = "proc", .source = "proc"},
        {.destination = "/dev", .type = "tmpfs", .source = "tmpfs",
         .options = {"nosuid", "strictatime", "mode=755", "size=65536k"}},
    };
    Linux linux_section;
    for (const char* ns : {"pid", "ipc", "uts", "mount"}) linux_section.namespaces.push_back({.type = ns});
    spec.linuxSection = linux_section;
    return spec;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " BUNDLE [ROOT [ID]]\n";
        return 2;
    }
    const std::string root = argc > 2 ? argv[2] : "/run/ocirun-example";
    const std::string id = argc > 3 ? argv[3] : "ocirun-example-" + std::to_string(::getpid());
    try {
        ocirun::Runtime runtime({.root = root});
        ocirun::Container container = runtime.create({.id = id, .bundle = argv[1], .spec = echo_spec()});
        container.start();
        const int status = container.wait();  // we created it, so we are the init's parent
        container.destroy();
        return status;
    } catch (const ocirun::Error& e) {
        std::cerr << "ocirun_example_run: " << e.what() << "\n";
        return 1;
    }
}
