#include "output/container_json.hpp"

#include "output/go_json.hpp"

namespace ocirun::cli {
namespace {

// The fields in runc's order, as (key, already-encoded value) pairs.
std::vector<std::pair<std::string, std::string>> fields(const ContainerState& s,
                                                        const std::string& owner) {
    return {
        {"ociVersion", go_json_quote(s.ociVersion)},
        {"id", go_json_quote(s.id)},
        {"pid", std::to_string(s.pid)},
        {"status", go_json_quote(to_string(s.status))},
        {"bundle", go_json_quote(s.bundle)},
        {"rootfs", go_json_quote(s.rootfs)},
        {"created", go_json_quote(s.created)},
        {"owner", go_json_quote(owner)},
    };
}

std::string annotations_json(const ContainerState& s, const std::string& indent) {
    // Go sorts map keys; std::map iterates in that order already.
    const bool pretty = !indent.empty();
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : s.annotations) {
        out += first ? "" : ",";
        if (pretty) out += "\n" + indent + indent;
        out += go_json_quote(k) + (pretty ? ": " : ":") + go_json_quote(v);
        first = false;
    }
    if (pretty) out += "\n" + indent;
    return out + "}";
}

}  // namespace

std::string state_json(const ContainerState& s) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : fields(s, s.owner)) {
        out += first ? "\n  " : ",\n  ";
        out += go_json_quote(key) + ": " + value;
        first = false;
    }
    if (!s.annotations.empty()) out += ",\n  \"annotations\": " + annotations_json(s, "  ");
    return out + "\n}";
}

std::string list_json(const std::vector<ContainerState>& states,
                      const std::vector<std::string>& owners) {
    if (states.empty()) return "null\n";
    std::string out = "[";
    for (size_t i = 0; i < states.size(); ++i) {
        if (i) out += ",";
        out += "{";
        bool first = true;
        for (const auto& [key, value] : fields(states[i], i < owners.size() ? owners[i] : states[i].owner)) {
            out += first ? "" : ",";
            out += go_json_quote(key) + ":" + value;
            first = false;
        }
        if (!states[i].annotations.empty())
            out += ",\"annotations\":" + annotations_json(states[i], "");
        out += "}";
    }
    return out + "]\n";
}

}  // namespace ocirun::cli
