// ocirun: parse the command line, act on it through libocirun, report failures like runc
// (an error-level log line, plus the bare message on stderr when the log goes to a file).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app.hpp"
#include "execute/execute.hpp"
#include "util/log.hpp"

namespace {

void report_error(const std::string& message, const ocirun::cli::GlobalOptions& global) {
    ocirun::log::error(message);
    if (!global.log.empty() && global.log != "/dev/stderr") std::fprintf(stderr, "%s\n", message.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ocirun;
    const std::vector<std::string> args(argv + 1, argv + argc);
    cli::ParseOutcome parsed = cli::parse_command_line(args);

    try {
        log::Options opts;
        opts.file = parsed.global.log;
        opts.format = parsed.global.log_format == "json" ? log::Format::Json : log::Format::Text;
        opts.debug = parsed.global.debug;
        log::configure(opts);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocirun: %s\n", e.what());
        return 1;
    }

    if (!parsed.invocation) {
        std::fputs(parsed.out.c_str(), stdout);
        std::fputs(parsed.usage.c_str(), stderr);
        if (!parsed.error_message.empty()) report_error(parsed.error_message, parsed.global);
        return parsed.exit_code;
    }
    try {
        const int status = cli::execute(*parsed.invocation);
        std::fflush(stdout);
        return status;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        report_error(e.what(), parsed.global);
        return 1;
    }
}
