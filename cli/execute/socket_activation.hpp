// systemd socket activation through `create` and `run`, as runc does it: when LISTEN_PID is this
// process and LISTEN_FDS is N > 0, fds 3..3+N-1 go to the container ahead of the --preserve-fds
// ones (which then start at 3+N), and the container's process gets LISTEN_FDS=N and LISTEN_PID=1
// appended to its env (it is pid 1 of its pid namespace). Unset, another pid, a non-number or
// N <= 0 pass nothing. `exec` ignores them, like runc. Header-only: two small functions.
#pragma once

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ocirun/ocirun.hpp"
#include "ocirun/spec_json.hpp"

namespace ocirun::cli {

// The whole of `text` as a decimal int (Go's strconv.Atoi: optional sign), or false.
inline bool parse_go_int(const char* text, long& value) {
    if (!text || !*text) return false;
    std::string_view s(text);
    if (s.front() == '+') s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size();
}

// N when LISTEN_PID names this process and LISTEN_FDS=N > 0, else 0.
inline unsigned socket_activation_fd_count() {
    long pid = 0, fds = 0;
    if (!parse_go_int(std::getenv("LISTEN_PID"), pid) || pid != static_cast<long>(::getpid())) return 0;
    if (!parse_go_int(std::getenv("LISTEN_FDS"), fds) || fds <= 0) return 0;
    return static_cast<unsigned>(fds);
}

// Adds the activation fds and env to `opts` (whose bundle is set). A config that cannot be read
// is left for create to report in its own words.
inline void apply_socket_activation(CreateOptions& opts) {
    const unsigned n = socket_activation_fd_count();
    if (n == 0) return;
    spec::Spec spec;
    try {
        spec = opts.spec ? *opts.spec : spec::load_bundle_config(opts.bundle);
    } catch (const std::exception&) {
        return;
    }
    if (spec.process) {
        spec.process->env.push_back("LISTEN_FDS=" + std::to_string(n));
        spec.process->env.push_back("LISTEN_PID=1");
    }
    opts.spec = std::move(spec);
    opts.spec_json.clear();  // the stored copy is serialized from the changed spec
    opts.preserve_fds += n;
}

}  // namespace ocirun::cli
