/* A process to checkpoint (tests of the criu plugin, tests/vm/criu-bench.sh): it holds some state
 * CRIU must carry over, and counts in /tmp/count (one more every 0.1 s, written atomically), so
 * a test sees that it runs on after a restore from where it was.
 *
 *   holder flock FILE       holds an exclusive flock(2) on FILE (created if missing)
 *   holder trylock FILE     exits 0 if FILE can be locked now, 1 if someone holds it (no loop)
 *   holder unix-send PATH   sends the count over a unix datagram socket connected to PATH
 *   holder memory MIB       holds MIB MiB of written memory, /tmp/ready once it is filled
 *
 * Static C, so that it runs in any rootfs (busybox has no flock and no unix sockets). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char* what) {
    fprintf(stderr, "holder: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void write_file(const char* path, const char* text) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) die(tmp);
    if (write(fd, text, strlen(text)) < 0) die(tmp);
    close(fd);
    if (rename(tmp, path) != 0) die(path);
}

static int open_locked(const char* path, int flags) {
    const int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) die(path);
    if (flock(fd, LOCK_EX | flags) != 0) {
        if (errno == EWOULDBLOCK) return -1;
        die("flock");
    }
    return fd;
}

static int connect_unix(const char* path) {
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) die(path);
    return fd;
}

static char* fill_memory(const char* mib_text) {
    const size_t size = (size_t)strtoul(mib_text, NULL, 10) << 20;
    char* memory = malloc(size);
    if (!memory) die("malloc");
    for (size_t i = 0; i < size; ++i) memory[i] = (char)(i * 31 + 7); /* no zero pages */
    write_file("/tmp/ready", "ready\n");
    return memory;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: holder flock|trylock|unix-send|memory ARG\n");
        return 2;
    }
    const char* mode = argv[1];
    int sock = -1;
    if (strcmp(mode, "trylock") == 0) return open_locked(argv[2], LOCK_NB) >= 0 ? 0 : 1;
    if (strcmp(mode, "flock") == 0) (void)open_locked(argv[2], 0);
    else if (strcmp(mode, "unix-send") == 0) sock = connect_unix(argv[2]);
    else if (strcmp(mode, "memory") == 0) (void)fill_memory(argv[2]);
    else {
        fprintf(stderr, "holder: unknown mode %s\n", mode);
        return 2;
    }
    for (unsigned long i = 1;; ++i) {
        char text[32];
        snprintf(text, sizeof text, "%lu\n", i);
        write_file("/tmp/count", text);
        if (sock >= 0) (void)send(sock, text, strlen(text), MSG_NOSIGNAL); /* the peer may be away */
        const struct timespec tick = {0, 100 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
}
