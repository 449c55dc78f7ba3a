// blkio: weight and leaf weight (CFQ "blkio.weight" or BFQ "blkio.bfq.weight"), per-device
// weights and throttles; I/O statistics (CFQ/BFQ files when present, else the throttle ones).
#include <sstream>

#include "cgroup_files.hpp"
#include "v1_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v1 {
namespace {

std::string device(std::int64_t major, std::int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

class Blkio final : public Controller {
public:
    const char* name() const override { return "blkio"; }
    const char* field() const override { return "linux.resources.blockIO"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.blockIO) return false;
        const auto& b = *r.blockIO;
        return (b.weight && *b.weight) || (b.leafWeight && *b.leafWeight) || !b.weightDevice.empty() ||
               !b.throttleReadBpsDevice.empty() || !b.throttleWriteBpsDevice.empty() ||
               !b.throttleReadIOPSDevice.empty() || !b.throttleWriteIOPSDevice.empty();
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& b = *r.blockIO;
        std::error_code ec;
        // CFQ names the files blkio.weight*, BFQ blkio.bfq.weight*.
        const bool cfq = fs::exists(dir / "blkio.weight", ec);
        const std::string weight_file = cfq ? "blkio.weight" : "blkio.bfq.weight";
        const std::string weight_device_file = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
        auto need = [&](const std::string& file, const std::string& what) {
            if (!fs::exists(dir / file, ec))
                throw InvalidConfig(what, "the blkio controller of this kernel has no " + file + " (no CFQ or BFQ I/O scheduler)",
                                    ErrorKind::HostUnsupported);
        };
        if (b.weight && *b.weight) {
            need(weight_file, "linux.resources.blockIO.weight");
            write_text(dir / weight_file, std::to_string(*b.weight));
        }
        if (b.leafWeight && *b.leafWeight) {
            need("blkio.leaf_weight", "linux.resources.blockIO.leafWeight");
            write_text(dir / "blkio.leaf_weight", std::to_string(*b.leafWeight));
        }
        for (size_t i = 0; i < b.weightDevice.size(); ++i) {
            const auto& wd = b.weightDevice[i];
            const std::string what = "linux.resources.blockIO.weightDevice[" + std::to_string(i) + "]";
            if (wd.weight && *wd.weight) {
                need(weight_device_file, what);
                write_text(dir / weight_device_file, device(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
            }
            if (wd.leafWeight && *wd.leafWeight) {
                need("blkio.leaf_weight_device", what);
                write_text(dir / "blkio.leaf_weight_device", device(wd.major, wd.minor) + " " + std::to_string(*wd.leafWeight));
            }
        }
        throttle(dir, "blkio.throttle.read_bps_device", b.throttleReadBpsDevice);
        throttle(dir, "blkio.throttle.write_bps_device", b.throttleWriteBpsDevice);
        throttle(dir, "blkio.throttle.read_iops_device", b.throttleReadIOPSDevice);
        throttle(dir, "blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice);
    }
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto& b = s.blkio;
        std::error_code ec;
        if (fs::exists(dir / "blkio.io_serviced_recursive", ec) &&
            !read_entries(dir / "blkio.io_serviced_recursive").empty()) {
            b.service_bytes = read_entries(dir / "blkio.io_service_bytes_recursive");
            b.serviced = read_entries(dir / "blkio.io_serviced_recursive");
            b.queued = read_entries(dir / "blkio.io_queued_recursive");
            b.service_time = read_entries(dir / "blkio.io_service_time_recursive");
            b.wait_time = read_entries(dir / "blkio.io_wait_time_recursive");
            b.merged = read_entries(dir / "blkio.io_merged_recursive");
            b.time = read_entries(dir / "blkio.time_recursive");
            b.sectors = read_entries(dir / "blkio.sectors_recursive");
        } else if (fs::exists(dir / "blkio.bfq.io_serviced_recursive", ec) &&
                   !read_entries(dir / "blkio.bfq.io_serviced_recursive").empty()) {
            b.service_bytes = read_entries(dir / "blkio.bfq.io_service_bytes_recursive");
            b.serviced = read_entries(dir / "blkio.bfq.io_serviced_recursive");
        } else {
            b.service_bytes = read_entries(dir / "blkio.throttle.io_service_bytes_recursive");
            b.serviced = read_entries(dir / "blkio.throttle.io_serviced_recursive");
        }
    }

private:
    static void throttle(const fs::path& dir, const char* file, const std::vector<spec::LinuxThrottleDevice>& list) {
        for (const auto& t : list) write_text(dir / file, device(t.major, t.minor) + " " + std::to_string(t.rate));
    }
    // Lines "8:0 Read 4096", "8:0 4096" (no op) or "Total 4096" (skipped).
    static std::vector<BlkioEntry> read_entries(const fs::path& file) {
        std::vector<BlkioEntry> out;
        auto text = read_trimmed_if_exists(file);
        if (!text) return out;
        std::istringstream in(*text);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream words(line);
            std::vector<std::string> w;
            for (std::string x; words >> x;) w.push_back(x);
            if (w.size() < 2) continue;
            auto colon = w[0].find(':');
            if (colon == std::string::npos) continue;
            BlkioEntry e;
            try {
                e.major = std::stoull(w[0].substr(0, colon));
                e.minor = std::stoull(w[0].substr(colon + 1));
                if (w.size() >= 3) {
                    e.op = w[1];
                    e.value = std::stoull(w[2]);
                } else {
                    e.value = std::stoull(w[1]);
                }
            } catch (const std::exception&) {
                throw Error(file.string() + ": unexpected line \"" + line + "\"");
            }
            out.push_back(e);
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Controller> make_blkio_controller() { return std::make_unique<Blkio>(); }

}  // namespace ocirun::cgroups::v1
