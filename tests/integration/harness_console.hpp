// A listening console socket for tests of process.terminal (what containerd's shim or runc's
// recvtty is): it receives the pty master a runtime sends, and reads what the container writes.
#pragma once

#include <string>

#include "harness.hpp"

namespace ocirun::it {

class ConsoleSocket {
public:
    ConsoleSocket();
    ~ConsoleSocket();
    ConsoleSocket(const ConsoleSocket&) = delete;
    ConsoleSocket& operator=(const ConsoleSocket&) = delete;
    const std::string& path() const { return path_; }

    // The pty master of the next connection (-1 when none comes within 10 s); the caller owns it.
    // `name`, when given, gets the message sent with it (runc and ocirun send the pty's path).
    int receive_master(std::string* name = nullptr) const;

private:
    TempDir dir_;
    std::string path_;
    int fd_ = -1;
};

// What the process writes on its pty master until `marker` shows (or 10 s pass without output).
std::string read_until(int master, const std::string& marker);

}  // namespace ocirun::it
