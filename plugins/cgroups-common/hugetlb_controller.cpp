// hugetlb: a limit per page size ("2MB"), checked against the sizes the kernel supports.
// v1: hugetlb.<size>.limit_in_bytes (+ usage, max usage, failcnt files); v2: hugetlb.<size>.max
// (+ current, and the "max" count of hugetlb.<size>.events as the failure count).
#include <algorithm>

#include "cgroup_files.hpp"
#include "controller.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups {
namespace {

class Hugetlb final : public Controller {
public:
    explicit Hugetlb(CgroupVersion version) : v2_(version == CgroupVersion::V2) {}

    const char* name() const override { return "hugetlb"; }
    const char* field() const override { return "linux.resources.hugepageLimits"; }
    bool wants(const spec::LinuxResources& r) const override { return !r.hugepageLimits.empty(); }
    void validate(const spec::LinuxResources& r) const override {
        auto sizes = host_hugepage_sizes();
        for (size_t i = 0; i < r.hugepageLimits.size(); ++i) {
            const auto& size = r.hugepageLimits[i].pageSize;
            if (std::find(sizes.begin(), sizes.end(), size) == sizes.end())
                throw InvalidConfig("linux.resources.hugepageLimits[" + std::to_string(i) + "].pageSize",
                                    "\"" + size + "\" is not a huge page size of this host", ErrorKind::HostUnsupported);
        }
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        for (const auto& h : r.hugepageLimits)
            write_text(dir / ("hugetlb." + h.pageSize + (v2_ ? ".max" : ".limit_in_bytes")), std::to_string(h.limit));
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        std::error_code ec;
        for (const auto& size : host_hugepage_sizes()) {
            const std::string prefix = "hugetlb." + size + ".";
            HugetlbEntry e;
            if (v2_) {
                if (!fs::exists(dir / (prefix + "current"), ec)) continue;
                e.usage = read_u64_or(dir / (prefix + "current"), 0);
                e.failcnt = read_flat_keyed(dir / (prefix + "events"))["max"];
            } else {
                e.usage = read_u64_or(dir / (prefix + "usage_in_bytes"), 0);
                e.max = read_u64_or(dir / (prefix + "max_usage_in_bytes"), 0);
                e.failcnt = read_u64_or(dir / (prefix + "failcnt"), 0);
            }
            s.hugetlb[size] = e;
        }
    }

private:
    bool v2_;
};

}  // namespace

std::unique_ptr<Controller> make_hugetlb_controller(CgroupVersion version) { return std::make_unique<Hugetlb>(version); }

}  // namespace ocirun::cgroups
