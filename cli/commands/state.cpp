// ocirun state ID: print the state of a container as JSON.
#include "commands/id_command.hpp"

namespace ocirun::cli {

std::unique_ptr<CommandParser> make_state_parser() {
    return std::make_unique<IdCommandParser<StateCommand>>("state", "print the state of a container as JSON");
}

}  // namespace ocirun::cli
