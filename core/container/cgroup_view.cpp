#include "container/cgroup_view.hpp"

#include "container/status.hpp"
#include "container/stored_cgroup.hpp"

namespace fs = std::filesystem;

namespace ocirun::container {

CgroupView open_cgroup_view(ContainerRecord& rec) {
    state::StateStore store(rec.root);
    store.require_present(rec.id);
    CgroupView v{store.open(rec.id), {}, nullptr, Status::Stopped};
    v.st = v.dir.load();
    rec.cached = v.st;
    v.cgroup = open_stored_cgroup(v.st, *rec.plugins, rec.host);
    v.status = derive_status(v.st, v.dir.path(), v.cgroup.get());
    return v;
}

}  // namespace ocirun::container
