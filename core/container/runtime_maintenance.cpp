// Runtime operations on the state root itself, not on one container.
#include "ocirun/ocirun.hpp"
#include "state/state_store.hpp"

namespace ocirun {

void Runtime::remove_abandoned() { state::StateStore(options().root).remove_abandoned(); }

}  // namespace ocirun
