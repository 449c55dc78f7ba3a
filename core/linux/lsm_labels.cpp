// Child side of the LSM labels: which mounts take linux.mountLabel, and the order of the calls.
#include "linux/lsm_labels.hpp"

namespace ocirun::linux_init {
namespace {

// As runc: proc, sysfs and cgroup mounts get no label; mqueue takes none as an option and has
// its root labelled after the mount instead; a bind takes no mount data at all.
bool takes_label_option(const std::string& type) {
    return type != "proc" && type != "sysfs" && type != "cgroup" && type != "cgroup2" && type != "mqueue" &&
           type != "bind";
}

}  // namespace

void set_key_labels(const LsmLabels& labels) {
    for (const auto& l : labels.process) l.plugin->set_key_label(l.field, l.value);
}

void set_exec_labels(const LsmLabels& labels) {
    for (const auto& l : labels.process) l.plugin->set_exec_label(l.field, l.value);
}

void add_mount_label_option(const LsmLabels& labels, const std::string& type, std::string& data) {
    if (!labels.mount.plugin || !takes_label_option(type)) return;
    const std::string option = labels.mount.plugin->mount_label_option(labels.mount.value);
    if (!option.empty()) data += (data.empty() ? "" : ",") + option;
}

bool mount_root_needs_label(const LsmLabels& labels, const std::string& type) {
    return labels.mount.plugin && type == "mqueue";
}

void label_mount_root(const LsmLabels& labels, const std::string& path) {
    labels.mount.plugin->label_mount_root(path, labels.mount.value);
}

}  // namespace ocirun::linux_init
