// io: blkio weight -> io.bfq.weight (as is) or io.weight (converted), per-device weights and
// throttles -> io.max; io.stat -> runc's blkio stats.
#include <sstream>

#include "cgroup_files.hpp"
#include "v2_controllers.hpp"
#include "ocirun/error.hpp"

namespace ocirun::cgroups::v2 {

std::uint64_t blkio_weight_to_io_weight(std::uint64_t weight) {
    // runc's ConvertBlkIOToIOWeightValue: [10, 1000] onto [1, 10000].
    if (weight == 0) return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

namespace {

std::string device(std::int64_t major, std::int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

class Io final : public Controller {
public:
    const char* name() const override { return "io"; }
    const char* field() const override { return "linux.resources.blockIO"; }
    bool wants(const spec::LinuxResources& r) const override {
        if (!r.blockIO) return false;
        const auto& b = *r.blockIO;
        return (b.weight && *b.weight) || !b.weightDevice.empty() || !b.throttleReadBpsDevice.empty() ||
               !b.throttleWriteBpsDevice.empty() || !b.throttleReadIOPSDevice.empty() ||
               !b.throttleWriteIOPSDevice.empty();
    }
    void apply(const fs::path& dir, const spec::LinuxResources& r) const override {
        const auto& b = *r.blockIO;
        std::error_code ec;
        const bool bfq = fs::exists(dir / "io.bfq.weight", ec);
        if (b.weight && *b.weight) {
            if (bfq) write_text(dir / "io.bfq.weight", std::to_string(*b.weight));
            else if (fs::exists(dir / "io.weight", ec))
                write_text(dir / "io.weight", "default " + std::to_string(blkio_weight_to_io_weight(*b.weight)));
            else throw InvalidConfig("linux.resources.blockIO.weight", "neither io.bfq.weight nor io.weight exists", ErrorKind::HostUnsupported);
        }
        for (const auto& wd : b.weightDevice) {
            if (!wd.weight || !*wd.weight) continue;
            if (bfq) write_text(dir / "io.bfq.weight", device(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
            else write_text(dir / "io.weight", device(wd.major, wd.minor) + " " + std::to_string(blkio_weight_to_io_weight(*wd.weight)));
        }
        auto throttle = [&](const std::vector<spec::LinuxThrottleDevice>& list, const char* key) {
            for (const auto& t : list)
                write_text(dir / "io.max", device(t.major, t.minor) + " " + key + "=" + std::to_string(t.rate));
        };
        throttle(b.throttleReadBpsDevice, "rbps");
        throttle(b.throttleWriteBpsDevice, "wbps");
        throttle(b.throttleReadIOPSDevice, "riops");
        throttle(b.throttleWriteIOPSDevice, "wiops");
    }
    // io.stat lines: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0".
    void add_stats(const fs::path& dir, Stats& s) const override {
        auto text = read_trimmed_if_exists(dir / "io.stat");
        if (!text) return;
        std::istringstream in(*text);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream words(line);
            std::string dev, kv;
            words >> dev;
            auto colon = dev.find(':');
            if (colon == std::string::npos) continue;
            std::uint64_t major = std::stoull(dev.substr(0, colon)), minor = std::stoull(dev.substr(colon + 1));
            while (words >> kv) {
                auto eq = kv.find('=');
                if (eq == std::string::npos) continue;
                std::string key = kv.substr(0, eq);
                std::uint64_t value = std::stoull(kv.substr(eq + 1));
                if (key == "rbytes") s.blkio.service_bytes.push_back({major, minor, "Read", value});
                else if (key == "wbytes") s.blkio.service_bytes.push_back({major, minor, "Write", value});
                else if (key == "rios") s.blkio.serviced.push_back({major, minor, "Read", value});
                else if (key == "wios") s.blkio.serviced.push_back({major, minor, "Write", value});
            }
        }
    }
};

}  // namespace

std::unique_ptr<Controller> make_io_controller() { return std::make_unique<Io>(); }

}  // namespace ocirun::cgroups::v2
