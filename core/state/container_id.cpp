// Container id rules, as runc 1.1 applies them: one or more of [A-Za-z0-9_+,-.] (its regexp
// `^[\w+-\.]+$`, whose `+-\.` is the range '+'..'.', hence the comma), never "." or "..".
// runc has no length limit of its own (the file system's 255 bytes apply); we reject ids over
// 1024 bytes up front with a clear message.
#include <string>

#include "ocirun/error.hpp"
#include "state/state_store.hpp"
#include "util/go_json.hpp"

namespace ocirun::state {
namespace {

constexpr std::size_t kMaxIdLength = 1024;

bool allowed_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '+' || c == ',' || c == '-' || c == '.';
}

}  // namespace

bool is_valid_id(const std::string& id) noexcept {
    if (id.empty() || id.size() > kMaxIdLength || id == "." || id == "..") return false;
    for (char c : id)
        if (!allowed_id_char(c)) return false;
    return true;
}

void validate_id(const std::string& id) {
    // runc's texts: "container id cannot be empty", "invalid container ID format".
    if (id.empty()) throw Error("container id cannot be empty");
    if (id.size() > kMaxIdLength)
        throw Error("invalid container ID format: the id is " + std::to_string(id.size()) +
                    " bytes long, at most " + std::to_string(kMaxIdLength) + " are allowed");
    if (id == "." || id == "..")
        throw Error("invalid container ID format: " + gojson::go_quote(id) + " is not allowed as an id");
    for (char c : id) {
        if (!allowed_id_char(c))
            throw Error("invalid container ID format: " + gojson::go_quote(id) + " contains " +
                        gojson::go_quote(std::string(1, c)) +
                        "; allowed are letters, digits and _ + , - .");
    }
}

}  // namespace ocirun::state
