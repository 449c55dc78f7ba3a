#include "util/fault.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ocirun::fault {
namespace {

enum class Action { kNone, kKillSelf, kKillInit };

struct Plan {
    Action action = Action::kNone;
    std::string step;
};

// "<action>@<step>"; anything else (or unset) injects nothing.
Plan read_plan() {
    Plan plan;
    const char* env = ::getenv("OCIRUN_FAULT");
    if (env == nullptr || *env == '\0') return plan;
    const char* at = std::strchr(env, '@');
    if (at == nullptr) return plan;
    const std::string action(env, at);
    if (action == "kill") plan.action = Action::kKillSelf;
    else if (action == "kill-init") plan.action = Action::kKillInit;
    plan.step = at + 1;
    return plan;
}

}  // namespace

void point(const char* step, pid_t init_pid) {
    static const Plan plan = read_plan();  // once per process (a cloned init inherits it)
    if (plan.action == Action::kNone || plan.step != step) return;
    if (plan.action == Action::kKillSelf) {
        ::kill(::getpid(), SIGKILL);
        // Still here: we are the init of a pid namespace, which no SIGKILL from inside it
        // reaches. Ending at once, with no cleanup, is what a kill from outside would do.
        ::_exit(128 + SIGKILL);
    }
    if (init_pid > 0) ::kill(init_pid, SIGKILL);
}

}  // namespace ocirun::fault
