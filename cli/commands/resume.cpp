// ocirun resume ID: thaw the processes of a paused container.
#include "commands/id_command.hpp"

namespace ocirun::cli {

std::unique_ptr<CommandParser> make_resume_parser() {
    return std::make_unique<IdCommandParser<ResumeCommand>>("resume", "thaw the processes of a paused container");
}

}  // namespace ocirun::cli
