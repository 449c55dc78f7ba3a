#include "state/stored_state_json.hpp"

#include <boost/json.hpp>
#include <string>

#include "ocirun/error.hpp"

namespace ocirun::state {
namespace json = boost::json;

namespace {

json::object string_map(const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m) o[k] = v;
    return o;
}

// Reads fields of one JSON object, naming the file and the field in every error. Missing
// fields keep their defaults so that older state files still load.
class FieldReader {
public:
    FieldReader(const json::object& o, std::string_view origin) : o_(o), origin_(origin) {}

    void read(std::string_view key, std::string& out) const {
        if (const auto* v = find(key)) {
            if (!v->is_string()) fail(key, "expected a string");
            out = std::string(v->as_string());
        }
    }
    void read(std::string_view key, bool& out) const {
        if (const auto* v = find(key)) {
            if (!v->is_bool()) fail(key, "expected a boolean");
            out = v->as_bool();
        }
    }
    template <class Int>
    void read_int(std::string_view key, Int& out) const {
        if (const auto* v = find(key)) {
            if (v->is_int64() && v->as_int64() >= 0) out = static_cast<Int>(v->as_int64());
            else if (v->is_uint64()) out = static_cast<Int>(v->as_uint64());
            else fail(key, "expected a non-negative integer");
        }
    }
    void read(std::string_view key, std::map<std::string, std::string>& out) const {
        if (const auto* v = find(key)) {
            if (!v->is_object()) fail(key, "expected an object");
            out.clear();
            for (const auto& kv : v->as_object()) {
                if (!kv.value().is_string())
                    fail(std::string(key) + "." + std::string(kv.key()), "expected a string");
                out[std::string(kv.key())] = std::string(kv.value().as_string());
            }
        }
    }

private:
    const json::value* find(std::string_view key) const { return o_.if_contains(key); }
    [[noreturn]] void fail(std::string_view key, std::string_view what) const {
        throw Error(std::string(origin_) + ": " + std::string(key) + ": " + std::string(what));
    }
    const json::object& o_;
    std::string_view origin_;
};

}  // namespace

json::value to_json(const StoredState& s) {
    return json::object{
        {"id", s.id},
        {"ociVersion", s.ociVersion},
        {"init_pid", s.init_pid},
        {"init_start_time", s.init_start_time},
        {"bundle", s.bundle},
        {"rootfs", s.rootfs},
        {"created", s.created},
        {"owner", s.owner},
        {"annotations", string_map(s.annotations)},
        {"created_by_run", s.created_by_run},
        {"rootless", s.rootless},
        {"cgroup_driver", s.cgroup_driver},
        {"cgroup_saved", s.cgroup_saved},
        {"started", s.started},
        {"namespace_paths", string_map(s.namespace_paths)},
        {"config_file", s.config_file},
    };
}

StoredState stored_state_from_json(const json::value& v, std::string_view origin) {
    if (!v.is_object()) throw Error(std::string(origin) + ": expected a JSON object");
    FieldReader r(v.as_object(), origin);
    StoredState s;
    r.read("id", s.id);
    r.read("ociVersion", s.ociVersion);
    r.read_int("init_pid", s.init_pid);
    r.read_int("init_start_time", s.init_start_time);
    r.read("bundle", s.bundle);
    r.read("rootfs", s.rootfs);
    r.read("created", s.created);
    r.read("owner", s.owner);
    r.read("annotations", s.annotations);
    r.read("created_by_run", s.created_by_run);
    r.read("rootless", s.rootless);
    r.read("cgroup_driver", s.cgroup_driver);
    r.read("cgroup_saved", s.cgroup_saved);
    r.read("started", s.started);
    r.read("namespace_paths", s.namespace_paths);
    r.read("config_file", s.config_file);
    return s;
}

}  // namespace ocirun::state
