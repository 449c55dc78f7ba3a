// Test-only fault injection (docs/reliability.md): OCIRUN_FAULT=<action>@<step> makes the
// process that reaches the named step of create/start/delete die there, as if killed -9 at that
// very moment, so that tests/integration/fault_injection_test.cpp can check that
// `delete --force` and `list` still clean up everything. Unset (always, outside tests) a step
// costs one comparison: the variable is read once per process, at the first step.
//
// Actions:
//   kill       the process reaching the step SIGKILLs itself (the runtime at a runtime step,
//              the container's init at an init step);
//   kill-init  at a runtime step that knows the init's pid: the runtime SIGKILLs the init and
//              goes on (the init dies under it).
#pragma once

#include <sys/types.h>

namespace ocirun::fault {

// The runtime or the init reached `step`; `init_pid` is the container's init, when one exists.
void point(const char* step, pid_t init_pid = 0);

}  // namespace ocirun::fault
