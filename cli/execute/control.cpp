// pause, resume, and the commands whose core is not built yet (update, checkpoint,
// restore): those fail loudly instead of pretending to work.
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

int execute_checkpoint(const GlobalOptions&, const CheckpointCommand&) {
    throw NotImplemented("ocirun checkpoint: not implemented yet");
}

int execute_restore(const GlobalOptions&, const RestoreCommand&) {
    throw NotImplemented("ocirun restore: not implemented yet");
}

}  // namespace ocirun::cli
