// freezer: nothing to apply from linux.resources; pause/resume go through V1Cgroup::freeze/thaw.
#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class Freezer final : public Controller {
public:
    const char* name() const override { return "freezer"; }
    const char* field() const override { return "freezer"; }
    bool wants(const spec::LinuxResources&) const override { return false; }
    void apply(const fs::path&, const spec::LinuxResources&) const override {}
};

}  // namespace

std::unique_ptr<Controller> make_freezer_controller() { return std::make_unique<Freezer>(); }

}  // namespace ocirun::cgroups::v1
