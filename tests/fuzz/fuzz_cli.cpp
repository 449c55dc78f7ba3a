// Fuzz target: the command line. The input is split at NUL bytes into arguments and goes
// through parse_command_line (argv normaliser + CLI11, which never throws for a bad command
// line); the first argument also goes through the duration (`events --interval`) and size
// (`update --memory`) parsers, which may only throw std::invalid_argument.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.hpp"
#include "go_duration.hpp"
#include "ram_in_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.emplace_back();
        } else {
            args.back().push_back(static_cast<char>(data[i]));
        }
    }
    try {
        (void)ocirun::cli::parse_go_duration(args.front());
    } catch (const std::invalid_argument&) {
    }
    try {
        (void)ocirun::cli::parse_ram_in_bytes(args.front());
    } catch (const std::invalid_argument&) {
    }
    (void)ocirun::cli::parse_command_line(args);
    return 0;
}
