// pids: pids.max ("max" when the limit is 0 or negative, as runc normalises it); the same
// files on v1 and v2.
#include <limits>

#include "cgroup_files.hpp"
#include "controller.hpp"

namespace ocirun::cgroups {
namespace {

class Pids final : public Controller {
public:
    const char* name() const override { return "pids"; }
    const char* field() const override { return "linux.resources.pids"; }
    bool wants(const spec::LinuxResources& r) const override { return r.pids.has_value(); }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        std::int64_t limit = r.pids->limit.value_or(0);
        write_text(dir / "pids.max", limit > 0 ? std::to_string(limit) : "max");
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        s.pids_current = read_u64_or(dir / "pids.current", 0);
        std::uint64_t max = read_u64_or(dir / "pids.max", 0);
        s.pids_limit = max == std::numeric_limits<std::uint64_t>::max() ? 0 : max;
    }
};

}  // namespace

std::unique_ptr<Controller> make_pids_controller() { return std::make_unique<Pids>(); }

}  // namespace ocirun::cgroups
