#include "execute/execute.hpp"

#include <variant>

#include "ocirun/ocirun.hpp"
#include "state_root.hpp"

namespace ocirun::cli {

RuntimeOptions runtime_options(const GlobalOptions& global) {
    RuntimeOptions opts;
    opts.root = global.root;
    const DefaultStateRoot fallback = default_state_root();
    if (fallback.under_xdg_runtime_dir && global.root == fallback.path) prepare_xdg_state_root(global.root);
    opts.systemd_cgroup = global.systemd_cgroup;
    opts.debug = global.debug;
    if (global.rootless == "true") opts.rootless = true;
    else if (global.rootless == "false") opts.rootless = false;  // "auto": left unset
    return opts;
}

int execute(const Invocation& inv) {
    const GlobalOptions& g = inv.global;
    return std::visit(
        [&](const auto& cmd) -> int {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, SpecCommand>) return execute_spec(g, cmd);
            else if constexpr (std::is_same_v<T, CreateCommand>) return execute_create(g, cmd);
            else if constexpr (std::is_same_v<T, RunCommand>) return execute_run(g, cmd);
            else if constexpr (std::is_same_v<T, StartCommand>) return execute_start(g, cmd);
            else if constexpr (std::is_same_v<T, StateCommand>) return execute_state(g, cmd);
            else if constexpr (std::is_same_v<T, ListCommand>) return execute_list(g, cmd);
            else if constexpr (std::is_same_v<T, KillCommand>) return execute_kill(g, cmd);
            else if constexpr (std::is_same_v<T, DeleteCommand>) return execute_delete(g, cmd);
            else if constexpr (std::is_same_v<T, ExecCommand>) return execute_exec(g, cmd);
            else if constexpr (std::is_same_v<T, PsCommand>) return execute_ps(g, cmd);
            else if constexpr (std::is_same_v<T, PauseCommand>) return execute_pause(g, cmd);
            else if constexpr (std::is_same_v<T, ResumeCommand>) return execute_resume(g, cmd);
            else if constexpr (std::is_same_v<T, UpdateCommand>) return execute_update(g, cmd);
            else if constexpr (std::is_same_v<T, EventsCommand>) return execute_events(g, cmd);
            else if constexpr (std::is_same_v<T, CheckpointCommand>) return execute_checkpoint(g, cmd);
            else if constexpr (std::is_same_v<T, RestoreCommand>) return execute_restore(g, cmd);
            else if constexpr (std::is_same_v<T, FeaturesCommand>) return execute_features(g, cmd);
            else if constexpr (std::is_same_v<T, PluginsCommand>) return execute_plugins(g, cmd);
            else static_assert(sizeof(T) == 0, "a command without an executor");
        },
        inv.command);
}

}  // namespace ocirun::cli
