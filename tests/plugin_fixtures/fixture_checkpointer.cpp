// A minimal checkpointer plugin for the loader tests; reports itself unavailable so that status
// reporting can be checked.
#include <ocirun/plugin.hpp>

namespace {

class FixtureCheckpointer final : public ocirun::plugin::Checkpointer {
public:
    ocirun::plugin::Info info() const override {
        return {FIXTURE_NAME, ocirun::plugin::Kind::Checkpointer, FIXTURE_VERSION, "loader test fixture (checkpointer)"};
    }
    std::string unavailable_reason(const ocirun::plugin::HostContext&) const override {
        return "fixture checkpointer never works";
    }
    void checkpoint(const ocirun::plugin::CheckpointRequest&) override {
        throw ocirun::NotImplemented("fixture checkpointer: checkpoint is not implemented");
    }
    pid_t restore(const ocirun::plugin::RestoreRequest&) override {
        throw ocirun::NotImplemented("fixture checkpointer: restore is not implemented");
    }
};

}  // namespace

OCIRUN_PLUGIN(FixtureCheckpointer)
