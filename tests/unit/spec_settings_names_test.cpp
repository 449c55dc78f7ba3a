// core/spec name tables and syntax used by process.scheduler, ioPriority, execCPUAffinity and
// linux.personality: one table serves validation and the init, so these pin what both accept.
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <sys/personality.h>

#include "spec/known_names.hpp"

using namespace ocirun::spec;

TEST(SpecSettingsNames, SchedulerPoliciesAndFlags) {
    EXPECT_EQ(scheduler_policy("SCHED_OTHER"), SCHED_NORMAL);
    EXPECT_EQ(scheduler_policy("SCHED_FIFO"), SCHED_FIFO);
    EXPECT_EQ(scheduler_policy("SCHED_DEADLINE"), SCHED_DEADLINE);
    EXPECT_EQ(scheduler_policy("SCHED_ISO"), 4);
    EXPECT_EQ(scheduler_policy("sched_fifo"), std::nullopt);  // names are case-sensitive, like runc's
    EXPECT_EQ(scheduler_policy_names().size(), 7u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_RESET_ON_FORK"), SCHED_FLAG_RESET_ON_FORK);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_UTIL_CLAMP_MAX"), SCHED_FLAG_UTIL_CLAMP_MAX);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_NOPE"), std::nullopt);
}

TEST(SpecSettingsNames, IoPriorityClasses) {
    EXPECT_EQ(io_priority_class("IOPRIO_CLASS_RT"), 1);
    EXPECT_EQ(io_priority_class("IOPRIO_CLASS_BE"), 2);
    EXPECT_EQ(io_priority_class("IOPRIO_CLASS_IDLE"), 3);
    EXPECT_EQ(io_priority_class("IOPRIO_CLASS_NONE"), std::nullopt);
}

TEST(SpecSettingsNames, Personality) {
    EXPECT_EQ(personality_domain("LINUX"), PER_LINUX);
    EXPECT_EQ(personality_domain("LINUX32"), PER_LINUX32);
    EXPECT_EQ(personality_domain("SVR4"), std::nullopt);
    EXPECT_EQ(personality_flag("ADDR_NO_RANDOMIZE"), ADDR_NO_RANDOMIZE);
    EXPECT_EQ(personality_flag("READ_IMPLIES_EXEC"), READ_IMPLIES_EXEC);
    EXPECT_EQ(personality_flag("LINUX"), std::nullopt);
}

TEST(SpecSettingsNames, CpuLists) {
    using V = std::vector<unsigned>;
    EXPECT_EQ(parse_cpu_list("0"), V({0}));
    EXPECT_EQ(parse_cpu_list("0-3,7"), V({0, 1, 2, 3, 7}));
    EXPECT_EQ(parse_cpu_list("7,0-1,1"), V({0, 1, 7}));  // sorted, duplicates merged
    EXPECT_EQ(parse_cpu_list("1023"), V({1023}));
    for (const char* bad : {"", ",", "0,", "-1", "3-1", "a", "0-", "1024", "0 - 1", "1,,2", "0x1"})
        EXPECT_EQ(parse_cpu_list(bad), std::nullopt) << '"' << bad << '"';
}
