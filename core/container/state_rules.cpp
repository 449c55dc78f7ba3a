#include "container/state_rules.hpp"

#include <array>

#include "ocirun/error.hpp"

namespace ocirun::container {
namespace {

constexpr StateRule kAllow{true, nullptr};
constexpr StateRule refuse(const char* text) { return {false, text}; }

// runc 1.1's texts.
constexpr const char* kNotRunning = "container not running";
constexpr const char* kNotPaused = "container not paused";
constexpr const char* kStartRunning = "cannot start an already running container";
constexpr const char* kStartPaused = "cannot start a container in the paused state";
constexpr const char* kStartStopped = "cannot start a container that has stopped";
constexpr const char* kExecStopped = "cannot exec in a stopped container";
constexpr const char* kExecPaused = "cannot exec in a paused container (use --ignore-paused to override)";
constexpr const char* kDeleteNotStopped = "cannot delete container {id} that is not stopped: {status}";
constexpr const char* kEventsNotRunning = "container with id {id} is not running";

constexpr std::size_t kOperations = static_cast<std::size_t>(Operation::Processes) + 1;
constexpr std::size_t kStatuses = static_cast<std::size_t>(Status::Stopped) + 1;
using Row = std::array<StateRule, kStatuses>;

// Columns in the order of enum Status: creating, created, running, paused, stopped.
// Rows in the order of enum Operation.
constexpr std::array<Row, kOperations> kTable{{
    /* Start            */ {refuse(kStartRunning), kAllow, refuse(kStartRunning), refuse(kStartPaused), refuse(kStartStopped)},
    /* Kill             */ {kAllow, kAllow, kAllow, kAllow, refuse(kNotRunning)},
    /* KillAll          */ {kAllow, kAllow, kAllow, kAllow, kAllow},
    /* Pause            */ {refuse(kNotRunning), kAllow, kAllow, refuse(kNotRunning), refuse(kNotRunning)},
    /* Resume           */ {refuse(kNotPaused), refuse(kNotPaused), refuse(kNotPaused), kAllow, refuse(kNotPaused)},
    /* Exec             */ {kAllow, kAllow, kAllow, refuse(kExecPaused), refuse(kExecStopped)},
    /* ExecIgnorePaused */ {kAllow, kAllow, kAllow, kAllow, refuse(kExecStopped)},
    /* Delete           */ {refuse(kDeleteNotStopped), kAllow, refuse(kDeleteNotStopped), refuse(kDeleteNotStopped), kAllow},
    /* DeleteForce      */ {kAllow, kAllow, kAllow, kAllow, kAllow},
    /* Update           */ {kAllow, kAllow, kAllow, kAllow, refuse(kNotRunning)},
    /* Stats            */ {kAllow, kAllow, kAllow, kAllow, refuse(kNotRunning)},
    /* Events           */ {kAllow, kAllow, kAllow, kAllow, refuse(kEventsNotRunning)},
    /* Processes        */ {kAllow, kAllow, kAllow, kAllow, kAllow},
}};

void replace_all(std::string& text, const std::string& placeholder, const std::string& value) {
    for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
        text.replace(at, placeholder.size(), value);
}

}  // namespace

const StateRule& state_rule(Operation op, Status status) {
    return kTable.at(static_cast<std::size_t>(op)).at(static_cast<std::size_t>(status));
}

bool is_allowed(Operation op, Status status) { return state_rule(op, status).allowed; }

std::string refusal_text(Operation op, Status status, const std::string& id) {
    const StateRule& rule = state_rule(op, status);
    if (rule.allowed) return "";
    std::string text = rule.refusal;
    replace_all(text, "{id}", id);
    replace_all(text, "{status}", ocirun::to_string(status));
    return text;
}

void require_allowed(Operation op, Status status, const std::string& id) {
    if (!is_allowed(op, status)) refuse(op, status, id);
}

void refuse(Operation op, Status status, const std::string& id) {
    throw Error(refusal_text(op, status, id), ErrorKind::WrongState);
}

const char* to_string(Operation op) {
    switch (op) {
        case Operation::Start: return "start";
        case Operation::Kill: return "kill";
        case Operation::KillAll: return "kill --all";
        case Operation::Pause: return "pause";
        case Operation::Resume: return "resume";
        case Operation::Exec: return "exec";
        case Operation::ExecIgnorePaused: return "exec --ignore-paused";
        case Operation::Delete: return "delete";
        case Operation::DeleteForce: return "delete --force";
        case Operation::Update: return "update";
        case Operation::Stats: return "events --stats";
        case Operation::Events: return "events";
        case Operation::Processes: return "ps";
    }
    return "unknown";
}

}  // namespace ocirun::container
