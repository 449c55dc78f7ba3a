// A minimal syscall-filter plugin for the loader tests (laziness: it must not be loaded unless
// asked for).
#include <ocirun/plugin.hpp>

namespace {

class FixtureSyscallFilter final : public ocirun::plugin::SyscallFilter {
public:
    ocirun::plugin::Info info() const override {
        return {FIXTURE_NAME, ocirun::plugin::Kind::SyscallFilter, FIXTURE_VERSION, "loader test fixture (syscall-filter)"};
    }
    ocirun::plugin::CompiledFilter compile(const ocirun::spec::LinuxSeccomp&) override {
        throw ocirun::NotImplemented("fixture syscall-filter: compile is not implemented");
    }
};

}  // namespace

OCIRUN_PLUGIN(FixtureSyscallFilter)
