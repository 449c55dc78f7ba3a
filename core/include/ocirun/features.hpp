// ocirun/features.hpp — the runtime-spec `features` document (`ocirun features`): what this
// build of ocirun and its plugins support. The core states its own part; each available plugin
// contributes a JSON fragment that is deep-merged on top (e.g. the seccomp plugin turns
// linux.seccomp on and lists its actions), so the core never has to know a plugin's details.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ocirun::spec {

// The core's features with every fragment (a JSON object text) merged in, in order. Objects
// merge key by key; any other value replaces what was there. Throws ocirun::Error naming the
// fragment when one is not a JSON object.
boost::json::object features_json(const std::vector<std::string>& plugin_fragments);

// The same with a name per fragment (e.g. the plugin's name), used in error messages.
boost::json::object features_json(const std::vector<std::pair<std::string, std::string>>& named_fragments);

// Merge `overlay` into `base` recursively (objects by key; anything else replaces).
void deep_merge(boost::json::object& base, const boost::json::object& overlay);

}  // namespace ocirun::spec
