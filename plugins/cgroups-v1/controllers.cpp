#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {

const std::vector<std::unique_ptr<Controller>>& all_controllers() {
    static const std::vector<std::unique_ptr<Controller>> list = [] {
        std::vector<std::unique_ptr<Controller>> v;
        // runc's order (libcontainer/cgroups/fs subsystems): cpuset first, freezer last.
        v.push_back(make_cpuset_controller(CgroupVersion::V1));
        v.push_back(make_devices_controller());
        v.push_back(make_memory_controller());
        v.push_back(make_cpu_controller());
        v.push_back(make_cpuacct_controller());
        v.push_back(make_pids_controller());
        v.push_back(make_blkio_controller());
        v.push_back(make_hugetlb_controller(CgroupVersion::V1));
        v.push_back(make_net_cls_controller());
        v.push_back(make_net_prio_controller());
        v.push_back(make_rdma_controller());
        v.push_back(make_freezer_controller());
        return v;
    }();
    return list;
}

}  // namespace ocirun::cgroups::v1
