// The state table (core/container/state_rules.hpp), every cell: which operation runc 1.1 allows
// in which status, and its exact text when it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "container/state_rules.hpp"
#include "ocirun/error.hpp"

using namespace ocirun;
using container::Operation;

namespace {

constexpr const char* kId = "ctr";
const std::vector<Status> kAllStatuses = {Status::Creating, Status::Created, Status::Running, Status::Paused, Status::Stopped};

// One cell: "" means allowed, else the refusal the user sees.
struct Cell {
    Operation op;
    Status status;
    std::string refusal;
};

// Expected, written out by hand from runc 1.1's behaviour (the integration tests
// Differential.* and Lifecycle.* compare these texts with runc's own).
std::vector<Cell> expected_table() {
    const std::string not_running = "container not running";
    const std::string not_paused = "container not paused";
    const std::string start_running = "cannot start an already running container";
    const std::string exec_stopped = "cannot exec in a stopped container";
    auto not_stopped = [](const char* status) {
        return std::string("cannot delete container ctr that is not stopped: ") + status;
    };
    using S = Status;
    using O = Operation;
    return {
        {O::Start, S::Creating, start_running},
        {O::Start, S::Created, ""},
        {O::Start, S::Running, start_running},
        {O::Start, S::Paused, "cannot start a container in the paused state"},
        {O::Start, S::Stopped, "cannot start a container that has stopped"},

        {O::Kill, S::Creating, ""},
        {O::Kill, S::Created, ""},
        {O::Kill, S::Running, ""},
        {O::Kill, S::Paused, ""},
        {O::Kill, S::Stopped, not_running},

        {O::KillAll, S::Creating, ""},
        {O::KillAll, S::Created, ""},
        {O::KillAll, S::Running, ""},
        {O::KillAll, S::Paused, ""},
        {O::KillAll, S::Stopped, ""},

        {O::Pause, S::Creating, not_running},
        {O::Pause, S::Created, ""},
        {O::Pause, S::Running, ""},
        {O::Pause, S::Paused, not_running},
        {O::Pause, S::Stopped, not_running},

        {O::Resume, S::Creating, not_paused},
        {O::Resume, S::Created, not_paused},
        {O::Resume, S::Running, not_paused},
        {O::Resume, S::Paused, ""},
        {O::Resume, S::Stopped, not_paused},

        {O::Exec, S::Creating, ""},
        {O::Exec, S::Created, ""},
        {O::Exec, S::Running, ""},
        {O::Exec, S::Paused, "cannot exec in a paused container (use --ignore-paused to override)"},
        {O::Exec, S::Stopped, exec_stopped},

        {O::ExecIgnorePaused, S::Creating, ""},
        {O::ExecIgnorePaused, S::Created, ""},
        {O::ExecIgnorePaused, S::Running, ""},
        {O::ExecIgnorePaused, S::Paused, ""},
        {O::ExecIgnorePaused, S::Stopped, exec_stopped},

        {O::Delete, S::Creating, not_stopped("creating")},
        {O::Delete, S::Created, ""},
        {O::Delete, S::Running, not_stopped("running")},
        {O::Delete, S::Paused, not_stopped("paused")},
        {O::Delete, S::Stopped, ""},

        {O::DeleteForce, S::Creating, ""},
        {O::DeleteForce, S::Created, ""},
        {O::DeleteForce, S::Running, ""},
        {O::DeleteForce, S::Paused, ""},
        {O::DeleteForce, S::Stopped, ""},

        {O::Update, S::Creating, ""},
        {O::Update, S::Created, ""},
        {O::Update, S::Running, ""},
        {O::Update, S::Paused, ""},
        {O::Update, S::Stopped, not_running},

        {O::Stats, S::Creating, ""},
        {O::Stats, S::Created, ""},
        {O::Stats, S::Running, ""},
        {O::Stats, S::Paused, ""},
        {O::Stats, S::Stopped, not_running},

        {O::Events, S::Creating, ""},
        {O::Events, S::Created, ""},
        {O::Events, S::Running, ""},
        {O::Events, S::Paused, ""},
        {O::Events, S::Stopped, "container with id ctr is not running"},

        {O::Processes, S::Creating, ""},
        {O::Processes, S::Created, ""},
        {O::Processes, S::Running, ""},
        {O::Processes, S::Paused, ""},
        {O::Processes, S::Stopped, ""},
    };
}

std::string cell_name(const Cell& c) {
    return std::string(container::to_string(c.op)) + " when " + to_string(c.status);
}

}  // namespace

TEST(StateRules, EveryCellMatchesRunc) {
    const std::vector<Cell> cells = expected_table();
    const std::size_t operations = static_cast<std::size_t>(Operation::Processes) + 1;
    ASSERT_EQ(cells.size(), operations * kAllStatuses.size()) << "a cell of the table is not checked";
    for (const Cell& c : cells) {
        SCOPED_TRACE(cell_name(c));
        EXPECT_EQ(container::is_allowed(c.op, c.status), c.refusal.empty());
        EXPECT_EQ(container::refusal_text(c.op, c.status, kId), c.refusal);
    }
}

TEST(StateRules, RefusalIsAWrongStateErrorWithTheText) {
    for (const Cell& c : expected_table()) {
        SCOPED_TRACE(cell_name(c));
        if (c.refusal.empty()) {
            EXPECT_NO_THROW(container::require_allowed(c.op, c.status, kId));
            continue;
        }
        try {
            container::require_allowed(c.op, c.status, kId);
            ADD_FAILURE() << "not refused";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::WrongState);
            EXPECT_EQ(std::string(e.what()), c.refusal);
        }
    }
}

TEST(StateRules, RefuseThrowsTheCellsText) {
    // refuse() is for a status learnt after the check (the init died meanwhile).
    try {
        container::refuse(Operation::Kill, Status::Stopped, kId);
        ADD_FAILURE() << "refuse returned";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::WrongState);
        EXPECT_STREQ(e.what(), "container not running");
    }
}
