// Acting on a parsed command line through the public API (ocirun/ocirun.hpp). Each function
// prints what runc prints and returns the process's exit status; failures throw.
#pragma once

#include "options.hpp"

namespace ocirun {
struct RuntimeOptions;
}

namespace ocirun::cli {

int execute(const Invocation& inv);

RuntimeOptions runtime_options(const GlobalOptions& global);

// lifecycle.cpp
int execute_create(const GlobalOptions&, const CreateCommand&);
int execute_run(const GlobalOptions&, const RunCommand&);
int execute_start(const GlobalOptions&, const StartCommand&);
int execute_kill(const GlobalOptions&, const KillCommand&);
int execute_delete(const GlobalOptions&, const DeleteCommand&);
// inspect.cpp
int execute_state(const GlobalOptions&, const StateCommand&);
int execute_list(const GlobalOptions&, const ListCommand&);
int execute_ps(const GlobalOptions&, const PsCommand&);
int execute_events(const GlobalOptions&, const EventsCommand&);
// control.cpp
int execute_pause(const GlobalOptions&, const PauseCommand&);
int execute_resume(const GlobalOptions&, const ResumeCommand&);
int execute_update(const GlobalOptions&, const UpdateCommand&);
int execute_exec(const GlobalOptions&, const ExecCommand&);
int execute_checkpoint(const GlobalOptions&, const CheckpointCommand&);
int execute_restore(const GlobalOptions&, const RestoreCommand&);
// info.cpp
int execute_spec(const GlobalOptions&, const SpecCommand&);
int execute_features(const GlobalOptions&, const FeaturesCommand&);
int execute_plugins(const GlobalOptions&, const PluginsCommand&);

}  // namespace ocirun::cli
