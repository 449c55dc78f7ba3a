#include "container/syscall_filter.hpp"

#include "plugin/registry.hpp"
#include "util/log.hpp"

namespace ocirun {

plugin::CompiledFilter compile_syscall_filter(PluginRegistry& plugins, const spec::LinuxSeccomp& seccomp) {
    plugin::SyscallFilter& filter = plugins.syscall_filter("linux.seccomp");
    plugin::CompiledFilter compiled;
    try {
        compiled = filter.compile(seccomp);
    } catch (const NotImplemented&) {
        throw;
    } catch (const InvalidConfig& e) {
        throw InvalidConfig::in_file("config.json", e);
    } catch (const Error& e) {
        throw Error(std::string("config.json: ") + e.what(), e.kind());
    }
    for (const auto& name : compiled.skipped_syscalls)
        log::debug("config.json: linux.seccomp: unknown syscall \"" + name + "\" skipped");
    if (compiled.notify && compiled.listener_path.empty())
        throw InvalidConfig::in_file("config.json", "linux.seccomp.listenerPath", "required when a rule uses SCMP_ACT_NOTIFY");
    return compiled;
}

}  // namespace ocirun
