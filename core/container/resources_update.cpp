// Container::update: change a live container's cgroup limits (`ocirun update`) and record the
// result in the container's copy of config.json, so later reads see the new limits.
#include <boost/json.hpp>

#include "container/cgroup_view.hpp"
#include "container/state_rules.hpp"
#include "ocirun/ocirun.hpp"
#include "spec/spec_json.hpp"
#include "util/fault.hpp"
#include "util/file_io.hpp"

namespace ocirun {
namespace {

template <typename T>
void take(std::optional<T>& into, const std::optional<T>& from) {
    if (from) into = from;
}
void take(std::string& into, const std::string& from) {
    if (!from.empty()) into = from;
}

// Fields set in `changes` replace those in `base`; everything else is kept.
void merge(spec::LinuxResources& base, const spec::LinuxResources& changes) {
    if (!changes.devices.empty()) base.devices = changes.devices;
    if (changes.memory) {
        auto& m = base.memory ? *base.memory : base.memory.emplace();
        const auto& c = *changes.memory;
        take(m.limit, c.limit);
        take(m.reservation, c.reservation);
        take(m.swap, c.swap);
        take(m.kernel, c.kernel);
        take(m.kernelTCP, c.kernelTCP);
        take(m.swappiness, c.swappiness);
        take(m.disableOOMKiller, c.disableOOMKiller);
        take(m.useHierarchy, c.useHierarchy);
        take(m.checkBeforeUpdate, c.checkBeforeUpdate);
    }
    if (changes.cpu) {
        auto& p = base.cpu ? *base.cpu : base.cpu.emplace();
        const auto& c = *changes.cpu;
        take(p.shares, c.shares);
        take(p.quota, c.quota);
        take(p.burst, c.burst);
        take(p.period, c.period);
        take(p.realtimeRuntime, c.realtimeRuntime);
        take(p.realtimePeriod, c.realtimePeriod);
        take(p.cpus, c.cpus);
        take(p.mems, c.mems);
        take(p.idle, c.idle);
    }
    if (changes.pids) {
        auto& p = base.pids ? *base.pids : base.pids.emplace();
        take(p.limit, changes.pids->limit);
    }
    if (changes.blockIO) {
        auto& b = base.blockIO ? *base.blockIO : base.blockIO.emplace();
        const auto& c = *changes.blockIO;
        take(b.weight, c.weight);
        take(b.leafWeight, c.leafWeight);
        if (!c.weightDevice.empty()) b.weightDevice = c.weightDevice;
        if (!c.throttleReadBpsDevice.empty()) b.throttleReadBpsDevice = c.throttleReadBpsDevice;
        if (!c.throttleWriteBpsDevice.empty()) b.throttleWriteBpsDevice = c.throttleWriteBpsDevice;
        if (!c.throttleReadIOPSDevice.empty()) b.throttleReadIOPSDevice = c.throttleReadIOPSDevice;
        if (!c.throttleWriteIOPSDevice.empty()) b.throttleWriteIOPSDevice = c.throttleWriteIOPSDevice;
    }
    if (!changes.hugepageLimits.empty()) base.hugepageLimits = changes.hugepageLimits;
    if (changes.network) base.network = changes.network;
    for (const auto& [k, v] : changes.rdma) base.rdma[k] = v;
    for (const auto& [k, v] : changes.unified) base.unified[k] = v;
}

// What the driver is asked to write: every group the update touches, taken whole from the
// merged result. The drivers need related values together (the kernel checks memory against
// memory+swap and quota against period at each write; v2 writes "quota period" as one line),
// so a lone --cpu-period must carry the current quota, a lone --memory the current swap.
spec::LinuxResources to_apply(const spec::LinuxResources& merged, const spec::LinuxResources& changes) {
    spec::LinuxResources r;
    r.devices = changes.devices;  // device rules are only rewritten when the update names them
    if (changes.memory) {
        r.memory = merged.memory;
        // Deprecated and ignored (with a warning) by the drivers: do not warn on every update.
        if (!changes.memory->kernel) r.memory->kernel.reset();
        if (!changes.memory->kernelTCP) r.memory->kernelTCP.reset();
    }
    if (changes.cpu) r.cpu = merged.cpu;
    if (changes.pids) r.pids = merged.pids;
    if (changes.blockIO) r.blockIO = merged.blockIO;
    if (!changes.hugepageLimits.empty()) r.hugepageLimits = merged.hugepageLimits;
    if (changes.network) r.network = merged.network;
    r.rdma = changes.rdma;
    r.unified = changes.unified;
    return r;
}

}  // namespace

void Container::update(const spec::LinuxResources& changes) {
    container::CgroupView v = container::open_cgroup_view(*rec_);
    container::require_allowed(container::Operation::Update, v.status, v.st.id);
    if (!v.cgroup)
        throw Error("cannot update container " + v.st.id +
                    ": it has no cgroup (no cgroup driver plugin was installed when it was created)");
    if (v.st.config_file.empty())
        throw Error("cannot update container " + v.st.id + ": its state records no config.json copy");
    const std::string config_text = fileio::read_file(v.st.config_file);
    spec::Spec stored = spec::parse_config(config_text, v.st.config_file);
    auto& linux_section = stored.linuxSection ? *stored.linuxSection : stored.linuxSection.emplace();
    spec::LinuxResources merged = linux_section.resources.value_or(spec::LinuxResources{});
    merge(merged, changes);

    fault::point("update-locked", v.st.init_pid);
    v.cgroup->set_resources(to_apply(merged, changes));
    fault::point("update-resources-set", v.st.init_pid);

    // Rewrite only linux.resources of the stored copy; every other byte of meaning is kept.
    boost::json::value doc = boost::json::parse(config_text);
    boost::json::object& root = doc.as_object();
    if (!root.contains("linux") || !root["linux"].is_object()) root["linux"] = boost::json::object{};
    root["linux"].as_object()["resources"] = spec::to_json(merged);
    fileio::write_atomic(v.st.config_file, spec::pretty_print(doc), false, 0600);
    fault::point("update-recorded", v.st.init_pid);
}

}  // namespace ocirun
