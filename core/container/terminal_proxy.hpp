// Foreground `run`/`exec` of a process with process.terminal and no --console-socket: the
// runtime itself receives the pty master (over an internal socketpair standing in for the
// console socket) and stands between it and the caller, like runc:
//   - the caller's terminal (the first of stdin/stdout/stderr that is one) goes into raw mode,
//     restored on every way out;
//   - stdin is copied to the master and the master to stdout (one epoll loop, no threads);
//     stdin need not be a terminal (pipes, files, /dev/null all work); at EOF of stdin the pty's
//     EOF character (VEOF, normally ^D) is sent once so a shell reading it ends;
//   - the caller's window size is set on the master at the start and on every SIGWINCH;
//     without a caller terminal the pty keeps process.consoleSize;
//   - every other forwardable signal goes to the process, children are reaped (as a subreaper
//     when asked) and the process's exit code (128+signal when killed) is returned once it has
//     exited and its last output has been copied.
#pragma once

#include <sys/types.h>

namespace ocirun::container {

// The master is not closed. `subreaper`: become a child subreaper (foreground run).
int proxy_terminal_until_exit(int master_fd, pid_t pid, bool subreaper);

// TIOCSWINSZ the caller's window size onto the master; false when the caller has no terminal.
bool copy_caller_window_size(int master_fd);

}  // namespace ocirun::container
