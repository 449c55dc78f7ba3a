// linux/capabilities: which process.capabilities names the init leaves out (and create/exec warn
// about): unknown ones and those above the running kernel's last capability.
#include <gtest/gtest.h>
#include <sys/capability.h>

#include <algorithm>

#include "linux/capabilities.hpp"
#include "spec/known_names.hpp"

using namespace ocirun;

TEST(Capabilities, UnknownNamesAreListedSortedOnce) {
    spec::LinuxCapabilities caps;
    caps.bounding = {"CAP_KILL", "CAP_ZZZ", "CAP_BOGUS"};
    caps.effective = {"CAP_BOGUS", "cap_kill"};
    caps.ambient = {"CAP_AMB"};
    EXPECT_EQ(linux_init::unavailable_capabilities(caps),
              (std::vector<std::string>{"CAP_AMB", "CAP_BOGUS", "CAP_ZZZ", "cap_kill"}));
    EXPECT_EQ(linux_init::available_capabilities(caps.bounding), (std::set<int>{CAP_KILL}));
}

// A name this build knows but the running kernel does not (CAP_CHECKPOINT_RESTORE on a kernel
// older than 5.9) counts as unavailable; on this kernel that may be none.
TEST(Capabilities, NamesAboveTheKernelsLastCapabilityAreUnavailable) {
    const int kernel_caps = static_cast<int>(::cap_max_bits());
    spec::LinuxCapabilities caps;
    std::vector<std::string> above;
    for (const auto name : spec::capability_names()) {
        caps.permitted.emplace_back(name);
        if (*spec::capability_number(name) >= kernel_caps) above.emplace_back(name);
    }
    std::sort(above.begin(), above.end());
    EXPECT_EQ(linux_init::unavailable_capabilities(caps), above);
    EXPECT_EQ(linux_init::available_capabilities(caps.permitted).size(), caps.permitted.size() - above.size());
}
