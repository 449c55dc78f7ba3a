// spec, features, plugins: what the runtime offers, no container involved.
#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "execute/execute.hpp"
#include "ocirun/features.hpp"
#include "ocirun/ocirun.hpp"
#include "output/table_writer.hpp"
#include "ocirun/plugins.hpp"
#include "ocirun/spec_json.hpp"
#include "ocirun/log.hpp"
#include "ocirun/unique_fd.hpp"


namespace ocirun::cli {
namespace {

// runc prints features with four spaces per level where spec uses tabs. A tab inside a JSON
// string is always escaped, so every literal tab is indentation.
std::string indent_with_spaces(const std::string& tabbed) {
    std::string out;
    for (char c : tabbed) {
        if (c == '\t') out += "    ";
        else out += c;
    }
    return out;
}

}  // namespace

int execute_spec(const GlobalOptions&, const SpecCommand& cmd) {
    const std::filesystem::path dir = cmd.bundle.empty() ? "." : cmd.bundle;
    const std::filesystem::path file = dir / "config.json";
    const std::string text = spec::pretty_print(spec::to_json(spec::default_spec(cmd.rootless)));
    // O_EXCL: never overwrite a config (runc's text when it exists).
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd) {
        if (errno == EEXIST) throw Error("File " + file.string() + " exists. Remove it first");
        throw sys_error("create " + file.string());
    }
    std::string_view rest = text;
    while (!rest.empty()) {
        ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw sys_error("write " + file.string());
        }
        rest.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
}

int execute_features(const GlobalOptions& g, const FeaturesCommand&) {
    Runtime rt(runtime_options(g));
    PluginRegistry& registry = rt.plugins();
    // Each usable plugin adds its fragment; one that cannot load simply adds nothing.
    std::vector<std::pair<std::string, std::string>> fragments;
    for (const PluginEntry& entry : registry.inspect_all()) {
        if (entry.status != "loaded" && entry.status != "available") continue;
        try {
            fragments.emplace_back(entry.name + " plugin",
                                   registry.load(entry.name, entry.kind).features_json());
        } catch (const std::exception& e) {
            log::debug("features: skipping plugin " + entry.name + ": " + e.what());
        }
    }
    const std::string tabbed = spec::pretty_print(spec::features_json(fragments));
    std::cout << indent_with_spaces(tabbed) << '\n';
    return 0;
}

namespace {

// Whether a loaded plugin can work on this host: "available", or "unavailable: WHY".
std::string host_column(const PluginEntry& e) {
    if (e.status != "loaded") return "-";
    return e.unavailable_reason.empty() ? "available" : "unavailable: " + e.unavailable_reason;
}

}  // namespace

int execute_plugins(const GlobalOptions& g, const PluginsCommand& cmd) {
    Runtime rt(runtime_options(g));
    const std::vector<PluginEntry> entries = rt.plugins().inspect_all();
    if (cmd.format == "json") {
        boost::json::array out;
        for (const auto& e : entries) {
            boost::json::object o{{"name", e.name},
                                  {"kind", plugin::kind_name(e.kind)},
                                  {"version", e.version},
                                  {"status", e.status},
                                  {"host", host_column(e)},
                                  {"path", e.path.string()}};
            if (!e.unavailable_reason.empty()) o["unavailableReason"] = e.unavailable_reason;
            out.push_back(std::move(o));
        }
        std::cout << boost::json::serialize(out) << '\n';
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "VERSION", "STATUS", "HOST", "PATH"}};
    for (const auto& e : entries)
        rows.push_back({e.name, plugin::kind_name(e.kind), e.version.empty() ? "-" : e.version,
                        e.status, host_column(e), e.path.string()});
    std::cout << format_table(rows);
    // A loaded plugin that cannot work on this host (CRIU without kernel support, AppArmor
    // disabled...): why, under the table.
    for (const auto& e : entries)
        if (!e.unavailable_reason.empty())
            std::cout << "note: " << e.name << " (" << plugin::kind_name(e.kind) << ") is unavailable here: "
                      << e.unavailable_reason << '\n';
    return 0;
}

}  // namespace ocirun::cli
