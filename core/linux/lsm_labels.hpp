// The LSM labels of a container process, each applied by the lsm plugin the runtime chose for
// its config.json field (container/lsm_choice.hpp). The child-side steps below call into those
// plugins, which were loaded before the clone.
#pragma once

#include <string>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun::linux_init {

struct LsmLabel {
    plugin::Lsm* plugin = nullptr;  // null: the field is not set
    std::string field;              // "process.apparmorProfile", "linux.mountLabel", ...
    std::string value;
};

struct LsmLabels {
    std::vector<LsmLabel> process;  // process.apparmorProfile, process.selinuxLabel
    LsmLabel mount;                 // linux.mountLabel
    bool empty() const { return process.empty() && !mount.plugin; }
};

// Before the session keyring is joined: its label (SELinux keycreate), as runc does.
void set_key_labels(const LsmLabels& labels);
// Before the syscall filter is loaded (where runc sets them): the labels the next execve takes.
void set_exec_labels(const LsmLabels& labels);
// Appends the mount-label option to `data` for a mount of `type` that takes one.
void add_mount_label_option(const LsmLabels& labels, const std::string& type, std::string& data);
// Whether a mount of `type` takes the mount label on its root after mounting (mqueue: it takes
// no option); then label_mount_root labels the mount at `path`.
bool mount_root_needs_label(const LsmLabels& labels, const std::string& type);
void label_mount_root(const LsmLabels& labels, const std::string& path);

}  // namespace ocirun::linux_init
