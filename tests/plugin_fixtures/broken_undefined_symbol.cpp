// Broken on purpose: calls a function no library defines (linked without -z defs), as a plugin
// built against a newer library than the host has would. Loading must fail with dlerror's text.
#include <ocirun/plugin.hpp>

extern "C" int ocirun_fixture_function_nobody_defines();

namespace {

class UndefinedSymbolLsm final : public ocirun::plugin::Lsm {
public:
    ocirun::plugin::Info info() const override {
        return {"undefined-symbol", ocirun::plugin::Kind::Lsm,
                std::to_string(ocirun_fixture_function_nobody_defines()), "broken fixture"};
    }
    std::vector<std::string> fields() const override { return {}; }
    void validate(const std::string&, const std::string&) const override {}
    void set_exec_label(const std::string&, const std::string&) override {}
    std::string mount_label_option(const std::string&) const override { return {}; }
};

}  // namespace

OCIRUN_PLUGIN(UndefinedSymbolLsm)
