// ocirun: parse the command line, act on it through libocirun, report failures like runc
// (execute/failure.hpp: runc's message and exit status).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app.hpp"
#include "execute/execute.hpp"
#include "execute/failure.hpp"
#include "ocirun/log.hpp"

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
        if (!parsed.error_message.empty()) cli::report_failure(parsed.global, parsed.error_message);
        return parsed.exit_code;
    }
    try {
        const int status = cli::execute(*parsed.invocation);
        std::fflush(stdout);
        return status;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        const cli::FailureReport failure = cli::failure_report(e, cli::FailedCommand::Any);
        cli::report_failure(parsed.global, failure.message);
        return failure.exit_status;
    }
}
