// ocirun start ID: run the process of a created container.
#include "commands/id_command.hpp"

namespace ocirun::cli {

std::unique_ptr<CommandParser> make_start_parser() {
    return std::make_unique<IdCommandParser<StartCommand>>("start", "run the process of a created container");
}

}  // namespace ocirun::cli
