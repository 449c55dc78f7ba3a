#include "linux/mount_options.hpp"

#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "spec/known_names.hpp"

namespace ocirun::linux_init {

bool ParsedMountOptions::is_bind() const { return (flags & MS_BIND) != 0; }

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options) {
    ParsedMountOptions out;
    for (const auto& name : options) {
        const spec::MountOption* opt = spec::find_mount_option(name);
        if (opt && name == "tmpcopyup") {
            out.tmpcopyup = true;
        } else if (!opt) {
            if (!out.data.empty()) out.data += ',';
            out.data += name;
        } else if (opt->idmap) {
            out.idmap = true;
        } else if (opt->propagation) {
            out.propagation.push_back(opt->flag);
        } else if (opt->recursive_attr) {
            const bool atime = opt->attr == MOUNT_ATTR_RELATIME || opt->attr == MOUNT_ATTR_NOATIME ||
                               opt->attr == MOUNT_ATTR_STRICTATIME;
            if (atime) {
                // The atime attributes are one field: the kernel only changes it when the whole
                // MOUNT_ATTR__ATIME is cleared, and then sets one value. "ratime", "rnorelatime"
                // and "rnostrictatime" fall back to the default, relatime.
                out.attr_clr |= MOUNT_ATTR__ATIME;
                out.attr_set &= ~static_cast<std::uint64_t>(MOUNT_ATTR__ATIME);
                if (!opt->clear) out.attr_set |= opt->attr;
            } else if (opt->clear) {
                out.attr_clr |= opt->attr;
                out.attr_set &= ~opt->attr;
            } else {
                out.attr_set |= opt->attr;
                out.attr_clr &= ~opt->attr;
            }
        } else if (opt->clear) {
            out.flags &= ~opt->flag;
        } else {
            out.flags |= opt->flag;
        }
    }
    return out;
}

unsigned long locked_mount_flags(const std::string& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return 0;
    unsigned long flags = 0;
    if (st.f_flag & ST_RDONLY) flags |= MS_RDONLY;
    if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

}  // namespace ocirun::linux_init
