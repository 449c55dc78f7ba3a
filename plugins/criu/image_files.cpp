#include "image_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

#include <ocirun/error.hpp>

namespace ocirun::criu {
namespace {

std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// A JSON array of strings (the only shape descriptors.json has); \uXXXX below 0x80 only.
std::vector<std::string> parse_string_array(const std::string& text, const std::string& file) {
    auto bad = [&] { return Error(file + ": not a JSON array of strings"); };
    std::vector<std::string> out;
    std::size_t i = text.find_first_not_of(" \t\r\n");
    if (i == std::string::npos || text[i] != '[') throw bad();
    ++i;
    for (;;) {
        i = text.find_first_not_of(" \t\r\n,", i);
        if (i == std::string::npos) throw bad();
        if (text[i] == ']') return out;
        if (text[i] != '"') throw bad();
        std::string s;
        for (++i; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] != '\\') {
                s += text[i];
                continue;
            }
            if (++i >= text.size()) throw bad();
            switch (text[i]) {
                case 'n': s += '\n'; break;
                case 't': s += '\t'; break;
                case 'u':
                    if (i + 4 >= text.size()) throw bad();
                    s += static_cast<char>(std::stoi(text.substr(i + 1, 4), nullptr, 16));
                    i += 4;
                    break;
                default: s += text[i];
            }
        }
        if (i >= text.size()) throw bad();
        out.push_back(std::move(s));
        ++i;
    }
}

}  // namespace

std::vector<std::string> stdio_links(pid_t pid) {
    std::vector<std::string> out;
    for (int fd = 0; fd < 3; ++fd) {
        const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char buf[PATH_MAX];
        const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
        out.emplace_back(n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n)));
    }
    return out;
}

void write_descriptors(const std::string& image_dir, const std::vector<std::string>& links) {
    std::string text = "[";
    for (std::size_t i = 0; i < links.size(); ++i) text += (i ? "," : "") + json_quote(links[i]);
    text += "]";
    const std::string path = image_dir + "/" + kDescriptorsFile;
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw Error("checkpoint: write " + path + ": " + std::strerror(errno));
    ::chmod(path.c_str(), 0600);
}

std::vector<std::string> read_descriptors(const std::string& image_dir) {
    const std::string path = image_dir + "/" + kDescriptorsFile;
    std::ifstream in(path);
    if (!in)
        throw Error("restore: open " + path + ": " + std::strerror(errno) +
                    " (is --image-path a checkpoint made by ocirun or runc?)");
    std::stringstream text;
    text << in.rdbuf();
    return parse_string_array(text.str(), path);
}

}  // namespace ocirun::criu
