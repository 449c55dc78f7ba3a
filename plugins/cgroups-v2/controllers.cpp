#include "v2_controllers.hpp"

namespace ocirun::cgroups::v2 {

const std::vector<std::unique_ptr<Controller>>& all_controllers() {
    static const std::vector<std::unique_ptr<Controller>> list = [] {
        std::vector<std::unique_ptr<Controller>> v;
        v.push_back(make_cpuset_controller(CgroupVersion::V2));
        v.push_back(make_memory_controller());
        v.push_back(make_cpu_controller());
        v.push_back(make_pids_controller());
        v.push_back(make_io_controller());
        v.push_back(make_hugetlb_controller(CgroupVersion::V2));
        v.push_back(make_rdma_controller());
        return v;
    }();
    return list;
}

}  // namespace ocirun::cgroups::v2
