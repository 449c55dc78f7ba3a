#include "ocirun_host/mountinfo.hpp"

#include <charconv>

#include "read_text.hpp"

namespace ocirun::host {
namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// The space-separated fields of a line (mountinfo has no empty fields; runs of spaces are one).
std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::optional<int> to_int(std::string_view s) {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

bool MountInfo::shared() const {
    for (const auto& f : optional_fields)
        if (f.rfind("shared:", 0) == 0) return true;
    return false;
}

std::string unescape_mountinfo(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    for (std::size_t i = 0; i < field.size(); ++i) {
        const bool escape = field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) &&
                            is_octal(field[i + 2]) && is_octal(field[i + 3]);
        if (escape) {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

std::optional<MountInfo> parse_mountinfo_line(std::string_view line) {
    const auto f = fields_of(line);
    // Six fixed fields, optional ones up to "-", then three more.
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 2 >= f.size()) return std::nullopt;  // no "-", or no fstype and source after it
    const auto id = to_int(f[0]);
    const auto parent = to_int(f[1]);
    if (!id || !parent) return std::nullopt;
    MountInfo m;
    m.id = *id;
    m.parent_id = *parent;
    m.major_minor = std::string(f[2]);
    m.root = unescape_mountinfo(f[3]);
    m.mount_point = unescape_mountinfo(f[4]);
    m.mount_options = std::string(f[5]);
    for (std::size_t i = 6; i < dash; ++i) m.optional_fields.emplace_back(f[i]);
    m.fstype = unescape_mountinfo(f[dash + 1]);
    m.source = unescape_mountinfo(f[dash + 2]);
    if (dash + 3 < f.size()) m.super_options = unescape_mountinfo(f[dash + 3]);
    return m;
}

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
    std::vector<MountInfo> out;
    detail::for_each_line(text, [&](std::string_view line) {
        if (auto m = parse_mountinfo_line(line)) out.push_back(std::move(*m));
    });
    return out;
}

std::vector<MountInfo> read_mountinfo(const std::string& path) { return parse_mountinfo(detail::read_text(path)); }

std::optional<MountInfo> mount_holding(const std::vector<MountInfo>& mounts, const std::string& path) {
    const MountInfo* best = nullptr;
    for (const auto& m : mounts) {
        const std::string& point = m.mount_point;
        const bool holds = point == "/" || path == point ||
                           (path.size() > point.size() && path.compare(0, point.size(), point) == 0 &&
                            path[point.size()] == '/');
        // Later lines are mounted on top of earlier ones: the last of the longest wins.
        if (holds && (!best || point.size() >= best->mount_point.size())) best = &m;
    }
    if (!best) return std::nullopt;
    return *best;
}

}  // namespace ocirun::host
