// The criu checkpointer plugin: finds criu(8) and builds its RPC requests; the exchange with
// `criu swrk` (images, fds, notifications) is not implemented yet, so checkpoint and restore
// throw NotImplemented after validating the request.
#include <ocirun/plugin.hpp>

#include "criu_binary.hpp"
#include "criu_request.hpp"

namespace ocirun::criu {
namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

class CriuCheckpointer final : public plugin::Checkpointer {
public:
    plugin::Info info() const override {
        return {"criu", plugin::Kind::Checkpointer, OCIRUN_PLUGIN_VERSION,
                "checkpoint and restore with CRIU (criu swrk RPC, protobuf)"};
    }
    std::string unavailable_reason(const plugin::HostContext&) const override {
        if (find_criu_binary()) return {};
        return "criu binary not found on PATH";
    }
    std::string features_json() const override {
        const auto binary = find_criu_binary();
        return std::string(R"({"criuBinary":)") + (binary ? json_string(*binary) : "null") + "}";
    }

    void checkpoint(const plugin::CheckpointRequest& request) override {
        (void)make_dump_request(request);  // request errors first: they are the user's to fix
        throw NotImplemented("criu plugin: checkpoint is not implemented yet (the criu swrk exchange is missing)");
    }
    pid_t restore(const plugin::RestoreRequest& request) override {
        (void)make_restore_request(request);
        throw NotImplemented("criu plugin: restore is not implemented yet (the criu swrk exchange is missing)");
    }
};

}  // namespace
}  // namespace ocirun::criu

OCIRUN_PLUGIN(ocirun::criu::CriuCheckpointer)
