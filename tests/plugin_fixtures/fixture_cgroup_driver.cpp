// A minimal cgroup-driver plugin for the loader tests; built under several names (cgroups-v1,
// cgroups-v2) so the automatic driver choice and the config override can be observed.
#include <ocirun/plugin.hpp>

namespace {

class FixtureCgroupDriver final : public ocirun::plugin::CgroupDriver {
public:
    ocirun::plugin::Info info() const override {
        return {FIXTURE_NAME, ocirun::plugin::Kind::CgroupDriver, FIXTURE_VERSION, "loader test fixture (cgroup-driver)"};
    }
    void validate(const ocirun::plugin::CgroupConfig&, const ocirun::plugin::HostContext&) const override {
        throw ocirun::NotImplemented("fixture cgroup-driver: validate is not implemented");
    }
    std::unique_ptr<ocirun::plugin::Cgroup> create(const ocirun::plugin::CgroupConfig&,
                                                   const ocirun::plugin::HostContext&) override {
        throw ocirun::NotImplemented("fixture cgroup-driver: create is not implemented");
    }
    std::unique_ptr<ocirun::plugin::Cgroup> open(const std::string&, const ocirun::plugin::HostContext&) override {
        throw ocirun::NotImplemented("fixture cgroup-driver: open is not implemented");
    }
};

}  // namespace

OCIRUN_PLUGIN(FixtureCgroupDriver)
