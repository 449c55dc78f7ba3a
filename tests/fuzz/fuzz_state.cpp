// Fuzz target: ROOT/ID/state.json text -> the reader every command uses (ContainerDir::load:
// Boost.JSON parse, then stored_state_from_json). Refusals must name the file.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "state/stored_state_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) return 0;  // ContainerDir::load reports "FILE: invalid JSON" itself
    fuzz::expect_refusal_names("/run/ocirun/x/state.json", [&] {
        ocirun::state::StoredState s = ocirun::state::stored_state_from_json(v, "/run/ocirun/x/state.json");
        // Written back by start/pause/update: the round trip must hold.
        (void)ocirun::state::to_json(s);
    });
    return 0;
}
