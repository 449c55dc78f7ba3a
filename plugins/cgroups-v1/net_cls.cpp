// net_cls: the class id tagged on the container's packets.
#include "cgroup_files.hpp"
#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class NetCls final : public Controller {
public:
    const char* name() const override { return "net_cls"; }
    const char* field() const override { return "linux.resources.network.classID"; }
    bool wants(const spec::LinuxResources& r) const override {
        return r.network && r.network->classID && *r.network->classID != 0;
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        write_text(dir / "net_cls.classid", std::to_string(*r.network->classID));
    }
};

}  // namespace

std::unique_ptr<Controller> make_net_cls_controller() { return std::make_unique<NetCls>(); }

}  // namespace ocirun::cgroups::v1
