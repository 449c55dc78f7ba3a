// linux/id_mapping: the /etc/subuid parsing that decides whether newuidmap can give a mapping,
// and the kernel's map text.
#include <gtest/gtest.h>

#include "linux/id_mapping.hpp"

using ocirun::linux_init::id_map_text;
using ocirun::linux_init::subordinate_ranges;

TEST(IdMapping, SubordinateRangesByNameOrUid) {
    const std::string text =
        "alice:100000:65536\n"
        "bob:200000:1000\n"
        "1001:300000:10\n"
        "bob:400000:5\n"
        "broken line\n"
        "bob:x:5\n";
    auto bob = subordinate_ranges(text, "bob", 1002);
    ASSERT_EQ(bob.size(), 2u);
    EXPECT_EQ(bob[0].start, 200000u);
    EXPECT_EQ(bob[0].count, 1000u);
    EXPECT_EQ(bob[1].start, 400000u);
    auto by_uid = subordinate_ranges(text, "carol", 1001);
    ASSERT_EQ(by_uid.size(), 1u);
    EXPECT_EQ(by_uid[0].start, 300000u);
    EXPECT_TRUE(subordinate_ranges(text, "nobody", 9).empty());
    EXPECT_TRUE(subordinate_ranges("", "bob", 1002).empty());
}

TEST(IdMapping, MapTextIsOneLinePerEntry) {
    std::vector<ocirun::spec::LinuxIDMapping> maps(2);
    maps[0].containerID = 0;
    maps[0].hostID = 1001;
    maps[0].size = 1;
    maps[1].containerID = 1;
    maps[1].hostID = 300000;
    maps[1].size = 65536;
    EXPECT_EQ(id_map_text(maps), "0 1001 1\n1 300000 65536\n");
}
