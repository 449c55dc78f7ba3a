// rdma: "device hca_handle=N hca_object=M" lines in rdma.max (only the fields given); the
// same file and format on v1 and v2.
#include "cgroup_files.hpp"
#include "controller.hpp"

namespace ocirun::cgroups {
namespace {

class Rdma final : public Controller {
public:
    const char* name() const override { return "rdma"; }
    const char* field() const override { return "linux.resources.rdma"; }
    bool wants(const spec::LinuxResources& r) const override { return !r.rdma.empty(); }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        for (const auto& [device, limit] : r.rdma) {
            std::string line = device;
            if (limit.hcaHandles) line += " hca_handle=" + std::to_string(*limit.hcaHandles);
            if (limit.hcaObjects) line += " hca_object=" + std::to_string(*limit.hcaObjects);
            if (line != device) write_text(dir / "rdma.max", line);
        }
    }
};

}  // namespace

std::unique_ptr<Controller> make_rdma_controller() { return std::make_unique<Rdma>(); }

}  // namespace ocirun::cgroups
