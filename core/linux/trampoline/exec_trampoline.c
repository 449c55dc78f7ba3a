/* The exec trampoline: a freestanding static program that the container's process runs from a
 * sealed memfd just before its real program (see core/linux/exec_trampoline.cpp). Its only job is
 * one more execve, so that nothing in the container ever runs with the host's ocirun binary as
 * /proc/self/exe (CVE-2019-5736): a `#!/proc/self/exe` script then gets this sealed copy.
 *
 * Protocol: argv[0] is TRAMPOLINE_MAGIC, argv[1] the program's path, argv[2..] its argv.
 * On failure it prints "exec PATH: REASON" on fd 2 (the text the runtime used to print itself,
 * Go's lowercase strerror as runc words it) and exits 1. Started any other way (for instance as
 * the interpreter of a `#!/proc/self/exe` script) it refuses with exit status 126 instead of
 * running in an exec loop.
 *
 * No libc: built with -static -nostdlib -ffreestanding, entered at _start below. */

#define TRAMPOLINE_MAGIC "ocirun-exec-trampoline"

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT_GROUP 231

static long sys3(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

/* The kernel leaves argc at (%rsp); hand that address to trampoline_main, stack 16-aligned. */
__asm__(".text\n.global _start\n.type _start,@function\n_start:\n"
        "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call trampoline_main\n  hlt\n");

#elif defined(__aarch64__)
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT_GROUP 94

static long sys3(long nr, long a, long b, long c) {
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}

__asm__(".text\n.global _start\n.type _start,%function\n_start:\n"
        "  mov x29, #0\n  mov x30, #0\n  mov x0, sp\n  and sp, x0, #-16\n  bl trampoline_main\n  brk #0\n");

#else
#error "exec trampoline: only x86_64 and aarch64 are supported"
#endif

static unsigned str_len(const char* s) {
    unsigned n = 0;
    while (s[n]) ++n;
    return n;
}

static int str_eq(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

static void put(const char* s) { sys3(NR_WRITE, 2, (long)s, (long)str_len(s)); }

static __attribute__((noreturn)) void exit_with(int status) {
    for (;;) sys3(NR_EXIT_GROUP, status, 0, 0);
}

/* glibc's strerror texts, lowercased as Go prints them, for the errors execve(2) documents. */
static const char* exec_error_text(long err) {
    switch (err) {
    case 1: return "operation not permitted";              /* EPERM */
    case 2: return "no such file or directory";            /* ENOENT */
    case 5: return "input/output error";                   /* EIO */
    case 7: return "argument list too long";               /* E2BIG */
    case 8: return "exec format error";                    /* ENOEXEC */
    case 11: return "resource temporarily unavailable";    /* EAGAIN */
    case 12: return "cannot allocate memory";              /* ENOMEM */
    case 13: return "permission denied";                   /* EACCES */
    case 14: return "bad address";                         /* EFAULT */
    case 20: return "not a directory";                     /* ENOTDIR */
    case 21: return "is a directory";                      /* EISDIR */
    case 22: return "invalid argument";                    /* EINVAL */
    case 23: return "too many open files in system";       /* ENFILE */
    case 24: return "too many open files";                 /* EMFILE */
    case 26: return "text file busy";                      /* ETXTBSY */
    case 36: return "file name too long";                  /* ENAMETOOLONG */
    case 38: return "function not implemented";            /* ENOSYS */
    case 40: return "too many levels of symbolic links";   /* ELOOP */
    case 80: return "accessing a corrupted shared library"; /* ELIBBAD */
    default: return 0;
    }
}

static void put_number(unsigned long n) {
    char buf[24];
    int i = (int)sizeof buf;
    buf[--i] = 0;
    do buf[--i] = (char)('0' + n % 10); while ((n /= 10) && i > 0);
    put(buf + i);
}

__attribute__((noreturn, used)) void trampoline_main(long* sp) {
    long argc = sp[0];
    char** argv = (char**)(sp + 1);
    char** envp = argv + argc + 1;
    if (argc < 3 || !str_eq(argv[0], TRAMPOLINE_MAGIC)) {
        put("ocirun exec trampoline: not started by ocirun; refusing to run\n");
        exit_with(126);
    }
    long rc = sys3(NR_EXECVE, (long)argv[1], (long)(argv + 2), (long)envp);
    const char* text = exec_error_text(-rc);
    put("exec ");
    put(argv[1]);
    put(": ");
    if (text) {
        put(text);
    } else {
        put("errno ");
        put_number((unsigned long)-rc);
    }
    put("\n");
    exit_with(1);
}
