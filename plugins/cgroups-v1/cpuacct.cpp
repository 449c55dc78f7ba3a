// cpuacct: usage statistics only (nothing in linux.resources writes to it).
#include <unistd.h>

#include <sstream>

#include "cgroup_files.hpp"
#include "v1_controllers.hpp"

namespace ocirun::cgroups::v1 {
namespace {

class CpuAcct final : public Controller {
public:
    const char* name() const override { return "cpuacct"; }
    const char* field() const override { return "linux.resources.cpu"; }
    bool wants(const spec::LinuxResources&) const override { return false; }
    void apply(const fs::path&, const spec::LinuxResources&) const override {}
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto& u = s.cpu_usage;
        u.total = read_u64_or(dir / "cpuacct.usage", 0);
        std::error_code ec;
        if (fs::exists(dir / "cpuacct.usage_percpu", ec)) u.percpu = read_u64_list(dir / "cpuacct.usage_percpu");
        read_usage_all(dir, u);
        // cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds.
        auto st = read_flat_keyed(dir / "cpuacct.stat");
        const std::uint64_t tick_ns = 1000000000ULL / static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
        u.user = st["user"] * tick_ns;
        u.kernel = st["system"] * tick_ns;
    }

private:
    // "cpu user system" header, then one line per cpu.
    static void read_usage_all(const fs::path& dir, CpuUsage& u) {
        auto text = read_trimmed_if_exists(dir / "cpuacct.usage_all");
        if (!text) return;
        std::istringstream in(*text);
        std::string header;
        std::getline(in, header);
        std::uint64_t cpu, user, sys;
        while (in >> cpu >> user >> sys) {
            u.percpu_user.push_back(user);
            u.percpu_kernel.push_back(sys);
        }
    }
};

}  // namespace

std::unique_ptr<Controller> make_cpuacct_controller() { return std::make_unique<CpuAcct>(); }

}  // namespace ocirun::cgroups::v1
