// hugetlb: hugetlb.<size>.max per page size ("2MB"); usage, max and OOM-like failure counts.
#include <algorithm>

#include "cgroup_files.hpp"
#include "controller.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {
namespace {

class Hugetlb final : public Controller {
public:
    const char* name() const override { return "hugetlb"; }
    const char* field() const override { return "linux.resources.hugepageLimits"; }
    bool wants(const spec::LinuxResources& r) const override { return !r.hugepageLimits.empty(); }
    void validate(const spec::LinuxResources& r) const override {
        auto sizes = host_hugepage_sizes();
        for (size_t i = 0; i < r.hugepageLimits.size(); ++i) {
            const auto& size = r.hugepageLimits[i].pageSize;
            if (std::find(sizes.begin(), sizes.end(), size) == sizes.end())
                throw Error("linux.resources.hugepageLimits[" + std::to_string(i) + "].pageSize: \"" + size +
                            "\" is not a huge page size of this host");
        }
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        for (const auto& h : r.hugepageLimits)
            write_text(dir / ("hugetlb." + h.pageSize + ".max"), std::to_string(h.limit));
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        std::error_code ec;
        for (const auto& size : host_hugepage_sizes()) {
            const std::string prefix = "hugetlb." + size + ".";
            if (!fs::exists(dir / (prefix + "current"), ec)) continue;
            HugetlbEntry e;
            e.usage = read_u64_or(dir / (prefix + "current"), 0);
            e.failcnt = read_flat_keyed(dir / (prefix + "events"))["max"];
            s.hugetlb[size] = e;
        }
    }
};

}  // namespace

std::unique_ptr<Controller> make_hugetlb_controller() { return std::make_unique<Hugetlb>(); }

}  // namespace ocirun::cgroups::v2
