// A minimal lsm plugin for the loader tests (and the example in docs/plugins.md). It loads,
// describes itself and claims process.apparmorProfile, as a third-party LSM plugin would claim
// its field; it labels nothing, so its operations throw NotImplemented.
#include <ocirun/plugin.hpp>

namespace {

class FixtureLsm final : public ocirun::plugin::Lsm {
public:
    ocirun::plugin::Info info() const override {
        return {FIXTURE_NAME, ocirun::plugin::Kind::Lsm, FIXTURE_VERSION, "loader test fixture (lsm)"};
    }
    std::string features_json() const override { return R"({"enabled":false})"; }

    std::vector<std::string> fields() const override { return {"process.apparmorProfile"}; }

    void validate(const std::string&, const std::string&) const override {
        throw ocirun::NotImplemented("fixture lsm: validate is not implemented");
    }
    void set_exec_label(const std::string&, const std::string&) override {
        throw ocirun::NotImplemented("fixture lsm: set_exec_label is not implemented");
    }
    std::string mount_label_option(const std::string&) const override {
        throw ocirun::NotImplemented("fixture lsm: mount_label_option is not implemented");
    }
};

}  // namespace

OCIRUN_PLUGIN(FixtureLsm)
