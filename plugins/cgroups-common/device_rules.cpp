#include "device_rules.hpp"

#include <sstream>

#include "ocirun/error.hpp"

namespace ocirun::cgroups {

unsigned parse_device_access(const std::string& access) {
    if (access.empty()) return kAllAccess;
    unsigned bits = 0;
    // Like runc, letters other than r, w, m are ignored ("rwa", seen in runc's own tests and in
    // configs made for it, means "rw"); only a string without any of them is refused.
    for (char c : access) {
        switch (c) {
            case 'r': bits |= kRead; break;
            case 'w': bits |= kWrite; break;
            case 'm': bits |= kMknod; break;
            default: break;
        }
    }
    if (bits == 0) throw Error("\"" + access + "\" contains none of r, w, m");
    return bits;
}

std::string device_access_text(unsigned access) {
    std::string out;
    if (access & kRead) out += 'r';
    if (access & kWrite) out += 'w';
    if (access & kMknod) out += 'm';
    return out;
}

namespace {

std::int64_t rule_number(const std::optional<std::int64_t>& v, const std::string& where, const char* name) {
    if (!v || *v == kAnyDeviceNumber) return kAnyDeviceNumber;
    if (*v < 0 || *v > 0xFFFFFFFFLL)
        throw InvalidConfig(where + "." + name, std::to_string(*v) + " is not a device number (or -1 for any)");
    return *v;
}

}  // namespace

void DeviceRuleSet::apply(const spec::LinuxDeviceCgroup& rule, const std::string& where) {
    const std::string type = rule.type.empty() ? "a" : rule.type;
    if (type != "a" && type != "b" && type != "c")
        throw InvalidConfig(where + ".type", "\"" + rule.type + "\" is not one of a, b, c");
    unsigned access;
    try {
        access = parse_device_access(rule.access);
    } catch (const Error& e) {
        throw InvalidConfig(where + ".access", e.what());
    }
    DeviceKey key{type[0], rule_number(rule.major, where, "major"), rule_number(rule.minor, where, "minor")};
    if (key.type == 'a') {
        // Like the v1 kernel, "a" resets whatever its numbers and access say.
        default_allow_ = rule.allow;
        exceptions_.clear();
        return;
    }
    // An exception is added when the rule goes against the default, removed when it agrees.
    if (rule.allow != default_allow_) {
        exceptions_[key] |= access;
        return;
    }
    for (const DeviceKey& wider : {DeviceKey{key.type, kAnyDeviceNumber, key.minor},
                                   DeviceKey{key.type, key.major, kAnyDeviceNumber},
                                   DeviceKey{key.type, kAnyDeviceNumber, kAnyDeviceNumber}}) {
        if (wider == key) continue;
        auto it = exceptions_.find(wider);
        if (it != exceptions_.end() && (it->second & access))
            throw InvalidConfig(where, std::string("cannot ") + (rule.allow ? "allow" : "deny") + " " + device_rule_text(rule) +
                        " inside the wildcard exception " + std::string(1, wider.type) + " " +
                        (wider.major < 0 ? "*" : std::to_string(wider.major)) + ":" +
                        (wider.minor < 0 ? "*" : std::to_string(wider.minor)) +
                        " (cgroup v1 cannot punch a hole in a wildcard rule; runc refuses it too)");
    }
    auto it = exceptions_.find(key);
    if (it == exceptions_.end()) return;
    it->second &= ~access;
    if (it->second == 0) exceptions_.erase(it);
}

bool DeviceRuleSet::allows(char type, std::uint32_t major, std::uint32_t minor, unsigned access) const {
    for (const auto& [key, bits] : exceptions_) {
        if (key.type != type) continue;
        if (key.major != kAnyDeviceNumber && key.major != major) continue;
        if (key.minor != kAnyDeviceNumber && key.minor != minor) continue;
        if (default_allow_ ? (bits & access) != 0 : (bits & access) == access) return !default_allow_;
    }
    return default_allow_;
}

DeviceRuleSet DeviceRuleSet::from_devices_list(const std::string& text) {
    DeviceRuleSet set;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string type, numbers, access;
        if (!(words >> type >> numbers >> access)) continue;
        if (type == "a") {
            set.default_allow_ = true;  // "a *:* rwm" is how v1 shows allow-all
            set.exceptions_.clear();
            continue;
        }
        auto colon = numbers.find(':');
        auto number = [](const std::string& s) { return s == "*" ? kAnyDeviceNumber : std::stoll(s); };
        DeviceKey key{type[0], number(numbers.substr(0, colon)), number(numbers.substr(colon + 1))};
        set.exceptions_[key] |= parse_device_access(access);
    }
    return set;
}

const std::vector<spec::LinuxDeviceCgroup>& default_allowed_device_rules() {
    static const std::vector<spec::LinuxDeviceCgroup> list = {
        {true, "c", std::nullopt, std::nullopt, "m"},
        {true, "b", std::nullopt, std::nullopt, "m"},
        {true, "c", 1, 3, "rwm"},               // /dev/null
        {true, "c", 1, 8, "rwm"},               // /dev/random
        {true, "c", 1, 7, "rwm"},               // /dev/full
        {true, "c", 5, 0, "rwm"},               // /dev/tty
        {true, "c", 1, 5, "rwm"},               // /dev/zero
        {true, "c", 1, 9, "rwm"},               // /dev/urandom
        {true, "c", 136, std::nullopt, "rwm"},  // /dev/pts/*
        {true, "c", 5, 2, "rwm"},               // /dev/ptmx
        {true, "c", 10, 200, "rwm"},            // /dev/net/tun
    };
    return list;
}

DeviceRuleSet container_device_rules(const std::vector<spec::LinuxDeviceCgroup>& spec_rules) {
    DeviceRuleSet set;
    for (size_t i = 0; i < spec_rules.size(); ++i)
        set.apply(spec_rules[i], "linux.resources.devices[" + std::to_string(i) + "]");
    for (const auto& rule : default_allowed_device_rules()) set.apply(rule, "default allowed device");
    return set;
}

std::vector<spec::LinuxDeviceCgroup> device_transition(const DeviceRuleSet& current, const DeviceRuleSet& target) {
    auto rule = [](bool allow, const DeviceKey& key, unsigned access) {
        auto number = [](std::int64_t n) { return n == kAnyDeviceNumber ? std::optional<std::int64_t>() : n; };
        return spec::LinuxDeviceCgroup{allow, std::string(1, key.type), number(key.major), number(key.minor),
                                       device_access_text(access)};
    };
    std::vector<spec::LinuxDeviceCgroup> out;
    std::map<DeviceKey, unsigned> old = current.exceptions();
    if (current.default_allow() || current.default_allow() != target.default_allow()) {
        out.push_back({target.default_allow(), "a", std::nullopt, std::nullopt, "rwm"});
        old.clear();
    }
    const auto& wanted = target.exceptions();
    for (const auto& [key, bits] : old) {
        auto it = wanted.find(key);
        unsigned dropped = bits & ~(it == wanted.end() ? 0u : it->second);
        if (dropped) out.push_back(rule(target.default_allow(), key, dropped));
    }
    for (const auto& [key, bits] : wanted) {
        auto it = old.find(key);
        unsigned gained = bits & ~(it == old.end() ? 0u : it->second);
        if (gained) out.push_back(rule(!target.default_allow(), key, gained));
    }
    return out;
}

std::string device_rule_text(const spec::LinuxDeviceCgroup& d) {
    std::string type = d.type.empty() ? "a" : d.type;
    auto num = [](const std::optional<std::int64_t>& v) {
        return v && *v >= 0 ? std::to_string(*v) : std::string("*");
    };
    return type + " " + num(d.major) + ":" + num(d.minor) + " " + (d.access.empty() ? "rwm" : d.access);
}

}  // namespace ocirun::cgroups
