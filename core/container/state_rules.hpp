// Which operation is allowed in which container status: the one table that container.cpp,
// exec.cpp, events.cpp and resources_update.cpp consult before they act, with runc 1.1's text for
// each refusal. (runc keeps one type per state; a table is easier to read and to test cell by
// cell: tests/unit/state_rules_test.cpp.)
#pragma once

#include <string>

#include "ocirun/ocirun.hpp"

namespace ocirun::container {

enum class Operation {
    Start,
    Kill,              // signal the init
    KillAll,           // kill --all: whatever is in the cgroup
    Pause,
    Resume,
    Exec,
    ExecIgnorePaused,  // exec --ignore-paused
    Delete,            // a created container is killed first
    DeleteForce,
    Update,
    Stats,             // events --stats
    Events,            // events (the watch)
    Processes,         // ps
};

// A cell of the table: allowed, or refused with runc's text, in which "{id}" stands for the
// container's id and "{status}" for its status.
struct StateRule {
    bool allowed;
    const char* refusal;  // nullptr when allowed
};

const StateRule& state_rule(Operation op, Status status);
bool is_allowed(Operation op, Status status);
// The user-facing refusal, placeholders filled in ("" when allowed).
std::string refusal_text(Operation op, Status status, const std::string& id);
// Throws Error(refusal_text, ErrorKind::WrongState) unless `op` is allowed in `status`.
void require_allowed(Operation op, Status status, const std::string& id);
// Throws that refusal: for a status found after the check (the init died meanwhile).
[[noreturn]] void refuse(Operation op, Status status, const std::string& id);

const char* to_string(Operation op);

}  // namespace ocirun::container
