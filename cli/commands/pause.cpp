// ocirun pause ID: freeze every process of a container.
#include "commands/id_command.hpp"

namespace ocirun::cli {

std::unique_ptr<CommandParser> make_pause_parser() {
    return std::make_unique<IdCommandParser<PauseCommand>>("pause", "freeze every process of a container");
}

}  // namespace ocirun::cli
