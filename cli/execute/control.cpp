// pause and resume (checkpoint and restore: checkpoint_restore.cpp).
#include "execute/execute.hpp"
#include "ocirun/ocirun.hpp"

namespace ocirun::cli {

int execute_pause(const GlobalOptions& g, const PauseCommand& cmd) {
    Runtime rt(runtime_options(g));
    rt.open(cmd.id).pause();
    return 0;
}

int execute_resume(const GlobalOptions& g, const ResumeCommand& cmd) {
    Runtime rt(runtime_options(g));
    rt.open(cmd.id).resume();
    return 0;
}

}  // namespace ocirun::cli
