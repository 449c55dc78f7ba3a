// net_prio: per-interface priorities, one "name priority" write each.
#include "cgroup_files.hpp"
#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class NetPrio final : public Controller {
public:
    const char* name() const override { return "net_prio"; }
    const char* field() const override { return "linux.resources.network.priorities"; }
    bool wants(const spec::LinuxResources& r) const override {
        return r.network && !r.network->priorities.empty();
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        for (const auto& p : r.network->priorities)
            write_text(dir / "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority));
    }
};

}  // namespace

std::unique_ptr<Controller> make_net_prio_controller() { return std::make_unique<NetPrio>(); }

}  // namespace ocirun::cgroups::v1
