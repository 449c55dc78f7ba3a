// ocirun_bench — ocirun vs runc vs crun on the same busybox bundle, side by side in one run.
//
// Runtimes are interleaved (A B C A B C ...) so machine noise hits all alike; each scenario
// reports the median wall time per runtime and the ratios against ocirun. Every command is
// started with posix_spawn and reaped with wait4, so the harness adds the same small constant to
// every runtime; the peak RSS comes from a separate pass through GNU time (bench_peak_rss).
//
// Usage: ocirun_bench [--iterations N] [--scale N] [--list-count N] [--work DIR]
//                     ocirun=PATH [runc=PATH] [crun=PATH]
// It makes its bundles under --work with `ocirun spec` (one shared busybox rootfs); see
// tests/bench/run.sh, which runs it in a private mount namespace.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <boost/json.hpp>
#include <dlfcn.h>

#include "ocirun/plugin.hpp"
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Runtime {
    std::string name;
    std::string path;
    std::string root;  // private --root for this run
};

struct Result {
    int status = -1;  // exit code, or 128+signal
    double ms = 0;
    std::string output;
};

// Runs argv, optionally capturing stdout+stderr; quiet commands go to /dev/null.
Result run_cmd(const std::vector<std::string>& argv, bool capture = false,
               const std::string& cwd = {}) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    // Output goes to a memfd, not a pipe: `create` leaves the container's init holding the
    // runtime's stdout, so a pipe would never see EOF.
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int outfd = -1;
    if (capture) {
        outfd = memfd_create("bench-output", MFD_CLOEXEC);
        if (outfd < 0) std::abort();
        posix_spawn_file_actions_adddup2(&fa, outfd, 1);
        posix_spawn_file_actions_adddup2(&fa, outfd, 2);
    } else {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());

    Result r;
    pid_t pid = 0;
    const auto t0 = Clock::now();
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        if (outfd >= 0) close(outfd);
        r.output = "spawn failed: " + argv[0];
        return r;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (outfd >= 0) {
        char buf[4096];
        ssize_t n;
        for (off_t off = 0; (n = pread(outfd, buf, sizeof buf, off)) > 0; off += n) r.output.append(buf, size_t(n));
        close(outfd);
    }
    return r;
}

std::vector<std::string> rt_cmd(const Runtime& rt, std::vector<std::string> rest) {
    std::vector<std::string> v{rt.path, "--root", rt.root};
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Scenario {
    std::string name;
    std::map<std::string, std::vector<double>> ms;  // runtime -> samples
    // runtime -> one entry per iteration, NaN where it failed: the runtimes' i-th samples ran
    // back to back (interleaved), so their ratio sees the same machine state.
    std::map<std::string, std::vector<double>> per_iteration;
    std::map<std::string, std::vector<double>> rss_kb;
    std::map<std::string, int> failures;
    std::map<std::string, std::string> first_error;
};

void record(Scenario& s, const Runtime& rt, const Result& r, bool ok) {
    s.per_iteration[rt.name].push_back(ok ? r.ms : std::nan(""));
    if (ok) {
        s.ms[rt.name].push_back(r.ms);
    } else {
        if (!s.failures[rt.name]++) s.first_error[rt.name] = r.output;
    }
}

void cleanup(const Runtime& rt, const std::string& id) {
    run_cmd(rt_cmd(rt, {"delete", "--force", id}));
}

// ---- scenarios --------------------------------------------------------------------------

void bench_run(Scenario& s, const std::vector<Runtime>& rts, const std::string& bundle, int iters) {
    for (int i = 0; i < iters; ++i)
        for (auto& rt : rts) {
            std::string id = "bench-run-" + std::to_string(i);
            Result r = run_cmd(rt_cmd(rt, {"run", "--bundle", bundle, id}), true);
            record(s, rt, r, r.status == 0);
            if (r.status != 0) cleanup(rt, id);
        }
}

// Peak RSS of the runtime for `run`, through GNU time (-f %M). Not wait4 after posix_spawn:
// a vfork-style spawn's child shares this process's memory until exec, and the kernel counts
// that in the child's ru_maxrss, so every runtime would read at least this harness's own RSS.
// GNU time forks (copy-on-write, nothing touched) and then execs the runtime.
void bench_peak_rss(Scenario& s, const std::vector<Runtime>& rts, const std::string& bundle, int iters) {
    for (int i = 0; i < iters; ++i)
        for (auto& rt : rts) {
            std::string id = "bench-rss-" + std::to_string(i);
            std::vector<std::string> argv{"/usr/bin/time", "-f", "maxrss-kib=%M"};
            for (auto& a : rt_cmd(rt, {"run", "--bundle", bundle, id})) argv.push_back(a);
            Result r = run_cmd(argv, true);
            const auto at = r.output.rfind("maxrss-kib=");
            const bool ok = r.status == 0 && at != std::string::npos;
            if (ok) s.rss_kb[rt.name].push_back(std::stod(r.output.substr(at + 11)));
            record(s, rt, r, ok);
            if (!ok) cleanup(rt, id);
        }
}

void bench_create_start_delete(Scenario& s, const std::vector<Runtime>& rts,
                               const std::string& bundle, int iters) {
    for (int i = 0; i < iters; ++i)
        for (auto& rt : rts) {
            std::string id = "bench-csd-" + std::to_string(i);
            const auto t0 = Clock::now();
            Result c = run_cmd(rt_cmd(rt, {"create", "--bundle", bundle, id}), true);
            Result st = c.status == 0 ? run_cmd(rt_cmd(rt, {"start", id}), true) : c;
            Result d = st.status == 0 ? run_cmd(rt_cmd(rt, {"delete", "--force", id}), true) : st;
            Result total = d;
            total.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            record(s, rt, total, d.status == 0);
            if (d.status != 0) cleanup(rt, id);
        }
}

void bench_exec(Scenario& s, const std::vector<Runtime>& rts, const std::string& bundle, int iters) {
    for (auto& rt : rts) {
        Result r = run_cmd(rt_cmd(rt, {"run", "--detach", "--bundle", bundle, "bench-exec"}), true);
        if (r.status != 0) {
            s.failures[rt.name] = iters;
            s.first_error[rt.name] = "run --detach failed: " + r.output;
        }
    }
    for (int i = 0; i < iters; ++i)
        for (auto& rt : rts) {
            if (s.failures[rt.name] >= iters) continue;
            Result r = run_cmd(rt_cmd(rt, {"exec", "bench-exec", "/bin/true"}), true);
            record(s, rt, r, r.status == 0);
        }
    for (auto& rt : rts) cleanup(rt, "bench-exec");
}

// `scale` containers created from 2 parallel workers, then all deleted; one sample = wall time.
void bench_scale(Scenario& s, const std::vector<Runtime>& rts, const std::string& bundle, int scale) {
    for (auto& rt : rts) {
        std::atomic<int> next{0}, failed{0};
        std::string err;
        const auto t0 = Clock::now();
        auto worker = [&](std::vector<std::string>* errors) {
            for (int i; (i = next++) < scale;) {
                Result r = run_cmd(rt_cmd(rt, {"create", "--bundle", bundle, "bench-scale-" + std::to_string(i)}), true);
                if (r.status != 0) {
                    ++failed;
                    errors->push_back(r.output);
                }
            }
        };
        std::vector<std::string> e1, e2;
        std::thread a(worker, &e1), b(worker, &e2);
        a.join();
        b.join();
        next = 0;
        auto deleter = [&](std::vector<std::string>* errors) {
            for (int i; (i = next++) < scale;) {
                Result r = run_cmd(rt_cmd(rt, {"delete", "--force", "bench-scale-" + std::to_string(i)}), true);
                if (r.status != 0) {
                    ++failed;
                    errors->push_back(r.output);
                }
            }
        };
        std::thread c(deleter, &e1), d(deleter, &e2);
        c.join();
        d.join();
        Result total;
        total.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        s.ms[rt.name].push_back(total.ms);
        s.per_iteration[rt.name].push_back(total.ms);
        s.failures[rt.name] = failed;
        if (!e1.empty()) s.first_error[rt.name] = e1.front();
        else if (!e2.empty()) s.first_error[rt.name] = e2.front();
    }
}

// `list` with `count` containers present (created, not started), 5 samples each.
void bench_list(Scenario& s, const std::vector<Runtime>& rts, const std::string& bundle, int count) {
    for (auto& rt : rts) {
        for (int i = 0; i < count; ++i)
            if (run_cmd(rt_cmd(rt, {"create", "--bundle", bundle, "bench-list-" + std::to_string(i)})).status != 0)
                ++s.failures[rt.name];
    }
    for (int i = 0; i < 5; ++i)
        for (auto& rt : rts) {
            Result r = run_cmd(rt_cmd(rt, {"list"}), true);
            record(s, rt, r, r.status == 0);
        }
    for (auto& rt : rts)
        for (int i = 0; i < count; ++i) cleanup(rt, "bench-list-" + std::to_string(i));
}


// ---- bundles ----------------------------------------------------------------------------

namespace json = boost::json;

json::value read_json(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

void write_json(const fs::path& p, const json::value& v) { std::ofstream(p) << json::serialize(v); }

// The syscalls the x86_64 headers know, minus what containerd's default profile leaves out.
json::array default_profile_syscalls() {
    static const char* denied[] = {"acct", "add_key", "bpf", "clock_adjtime", "clock_settime",
        "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy",
        "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
        "lookup_dcookie", "mbind", "mount", "move_pages", "name_to_handle_at", "nfsservctl",
        "open_by_handle_at", "perf_event_open", "personality", "pivot_root", "process_vm_readv",
        "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key",
        "set_mempolicy", "setns", "settimeofday", "swapon", "swapoff", "sysfs", "_sysctl",
        "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old", "fsconfig",
        "fsmount", "fsopen", "fspick", "move_mount", "open_tree", "mount_setattr"};
    std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    json::array names;
    for (std::string line; std::getline(in, line);) {
        const std::string prefix = "#define __NR_";
        if (line.rfind(prefix, 0) != 0) continue;
        std::string name = line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size());
        if (std::find_if(std::begin(denied), std::end(denied), [&](const char* d) { return name == d; }) ==
            std::end(denied))
            names.emplace_back(name);
    }
    return names;
}


// The seccomp plugin's compile step alone (what every create with linux.seccomp pays before
// clone): the containerd-like profile compiled `n` times through the real plugin .so, loaded
// the way the runtime loads it (ABI variable first, then the factory), first without the
// compiled-filter cache, then with it (<cache_root>/~seccomp-cache, as under a runtime root):
// one miss that compiles and stores, then `n` hits. Medians in ms; negative when the plugin
// is not there or a hit did not come from the cache.
struct SeccompCompileTimes {
    double compile = -1, miss_and_store = -1, hit = -1;
};

SeccompCompileTimes seccomp_compile_times(const fs::path& plugin_file, const fs::path& cache_root, int n) {
    SeccompCompileTimes out;
    void* lib = dlopen(plugin_file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) return out;
    auto* descriptor = static_cast<const ocirun_plugin_descriptor_t*>(dlsym(lib, "ocirun_plugin_descriptor"));
    auto* factory = static_cast<void* const*>(dlsym(lib, "ocirun_plugin_create"));
    if (!descriptor || descriptor->abi_version != OCIRUN_PLUGIN_ABI_VERSION || !factory) return out;
    auto create = reinterpret_cast<ocirun::plugin::Plugin* (*)()>(*factory);
    std::unique_ptr<ocirun::plugin::Plugin> plugin(create());
    auto* filter = dynamic_cast<ocirun::plugin::SyscallFilter*>(plugin.get());
    if (!filter) return out;
    ocirun::spec::LinuxSeccomp profile;
    profile.defaultAction = "SCMP_ACT_ERRNO";
    profile.defaultErrnoRet = 1;
    profile.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    ocirun::spec::LinuxSyscall allow;
    allow.action = "SCMP_ACT_ALLOW";
    for (const auto& name : default_profile_syscalls()) allow.names.emplace_back(name.as_string());
    profile.syscalls.push_back(allow);
    auto timed = [&](bool want_hit) {
        const auto t0 = Clock::now();
        auto compiled = filter->compile(profile);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        return compiled.bpf.empty() || compiled.from_cache != want_hit ? -1.0 : ms;
    };
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) {
        samples.push_back(timed(false));
        if (samples.back() < 0) return out;
    }
    out.compile = median(samples);

    std::error_code ec;
    fs::create_directories(cache_root, ec);
    const fs::path cache_dir = cache_root / "~seccomp-cache";
    fs::remove_all(cache_dir, ec);
    filter->set_cache_dir(cache_dir.string());
    out.miss_and_store = timed(false);
    samples.clear();
    for (int i = 0; i < n; ++i) {
        samples.push_back(timed(true));
        if (samples.back() < 0) return out;
    }
    out.hit = median(samples);
    filter->set_cache_dir("");
    return out;
}

struct Bundles {
    std::string run, seccomp, limits, exec;
};

// Four bundles sharing one read-only busybox rootfs (root.path is absolute).
Bundles make_bundles(const std::string& ocirun, const fs::path& work) {
    const fs::path rootfs = work / "rootfs";
    if (!fs::exists(rootfs / "bin/busybox")) {
        fs::create_directories(rootfs / "bin");
        fs::copy_file("/bin/busybox", rootfs / "bin/busybox", fs::copy_options::overwrite_existing);
        Result list = run_cmd({"/bin/busybox", "--list"}, true);
        std::istringstream names(list.output);
        for (std::string a; names >> a;)
            if (a != "busybox" && !fs::exists(fs::symlink_status(rootfs / "bin" / a))) fs::create_symlink("busybox", rootfs / "bin" / a);
    }
    auto make = [&](const std::string& name, auto edit) {
        fs::path dir = work / ("bundle-" + name);
        fs::remove_all(dir);
        fs::create_directories(dir);
        Result r = run_cmd({ocirun, "spec", "--bundle", dir.string()}, true);
        if (r.status != 0) throw std::runtime_error("ocirun spec failed: " + r.output);
        json::value cfg = read_json(dir / "config.json");
        auto& o = cfg.as_object();
        // crun 1.8.1 refuses ociVersion 1.3.0 ("unknown version specified"); every runtime
        // accepts runc's, and nothing in these bundles needs a newer spec.
        o["ociVersion"] = "1.0.2-dev";
        o["root"].as_object()["path"] = rootfs.string();
        auto& proc = o["process"].as_object();
        proc["terminal"] = false;
        proc["args"] = json::array{"/bin/true"};
        edit(o);
        write_json(dir / "config.json", cfg);
        return dir.string();
    };
    Bundles b;
    b.run = make("run", [](json::object&) {});
    b.seccomp = make("seccomp", [](json::object& o) {
        json::object seccomp{{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 1},
                             {"architectures", json::array{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}}};
        json::array rules;
        rules.push_back(json::object{{"names", default_profile_syscalls()}, {"action", "SCMP_ACT_ALLOW"}});
        for (std::uint64_t v : {0ULL, 8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL})
            rules.push_back(json::object{{"names", json::array{"personality"}}, {"action", "SCMP_ACT_ALLOW"},
                                         {"args", json::array{json::object{{"index", 0}, {"value", v}, {"op", "SCMP_CMP_EQ"}}}}});
        seccomp["syscalls"] = std::move(rules);
        o["linux"].as_object()["seccomp"] = std::move(seccomp);
    });
    b.limits = make("limits", [](json::object& o) {
        auto& res = o["linux"].as_object()["resources"].as_object();
        res["memory"] = json::object{{"limit", 256 * 1024 * 1024}};
        res["pids"] = json::object{{"limit", 128}};
        res["cpu"] = json::object{{"shares", 512}, {"quota", 50000}, {"period", 100000}};
    });
    b.exec = make("exec", [](json::object& o) {
        o["process"].as_object()["args"] = json::array{"/bin/sleep", "100000"};
    });
    return b;
}

// Which plugins does a created (not yet started) ocirun container have mapped? Its init is
// still the ocirun image, blocked on the exec fifo, so /proc/PID/maps tells the truth.
std::vector<std::string> plugins_mapped(const Runtime& rt, const std::string& bundle, const std::string& id) {
    std::vector<std::string> found;
    if (run_cmd(rt_cmd(rt, {"create", "--bundle", bundle, "--pid-file", "/tmp/ocirun-bench.pid", id})).status == 0) {
        std::ifstream pidf("/tmp/ocirun-bench.pid");
        std::string pid;
        pidf >> pid;
        std::ifstream maps("/proc/" + pid + "/maps");
        for (std::string line; std::getline(maps, line);) {
            auto slash = line.find('/');
            if (slash == std::string::npos) continue;
            std::string path = line.substr(slash);
            if (path.find("/ocirun/plugins/") != std::string::npos &&
                std::find(found.begin(), found.end(), path) == found.end())
                found.push_back(path);
        }
    } else {
        found.push_back("(create failed)");
    }
    cleanup(rt, id);
    return found;
}

// ---- report -----------------------------------------------------------------------------

// The median over iterations of a's time / b's time (the "medians of ratios"), pairing
// the samples that ran back to back; 0 when nothing pairs.
double median_ratio(const Scenario& s, const std::string& a, const std::string& b) {
    auto ia = s.per_iteration.find(a), ib = s.per_iteration.find(b);
    if (ia == s.per_iteration.end() || ib == s.per_iteration.end()) return 0;
    std::vector<double> ratios;
    for (std::size_t i = 0; i < std::min(ia->second.size(), ib->second.size()); ++i)
        if (std::isfinite(ia->second[i]) && std::isfinite(ib->second[i]) && ib->second[i] > 0)
            ratios.push_back(ia->second[i] / ib->second[i]);
    return median(ratios);
}

struct Target {
    std::string scenario, against;
    double max_ratio;
};

void print_report(const std::vector<Scenario>& scenarios, const std::vector<Runtime>& rts,
                  const std::vector<Target>& targets, bool& all_met) {
    std::printf("\nocirun/X columns: the median over the iterations of ocirun's time / X's time\n");
    std::printf("%-34s", "scenario (median ms)");
    for (auto& rt : rts) std::printf(" %10s", rt.name.c_str());
    for (auto& rt : rts)
        if (rt.name != "ocirun") std::printf(" %14s", ("ocirun/" + rt.name).c_str());
    std::printf("\n");
    for (auto& s : scenarios) {
        std::printf("%-34s", s.name.c_str());
        std::map<std::string, double> med;
        for (auto& rt : rts) {
            auto it = s.ms.find(rt.name);
            med[rt.name] = it == s.ms.end() ? 0 : median(it->second);
            std::printf(" %10.2f", med[rt.name]);
        }
        for (auto& rt : rts)
            if (rt.name != "ocirun") std::printf(" %13.2fx", median_ratio(s, "ocirun", rt.name));
        std::printf("\n");
        for (auto& [name, n] : s.failures)
            if (n) {
                std::printf("    FAILURES %s: %d  first error: %s\n", name.c_str(), n,
                            s.first_error.count(name) ? s.first_error.at(name).c_str() : "");
                if (name == "ocirun") all_met = false;
            }
    }
    // Peak RSS of the runtime process for `run` (GNU time's %M; median over the runs).
    std::map<std::string, double> rss;
    std::printf("\n%-34s", "peak RSS of the runtime (KiB)");
    for (auto& rt : rts) {
        std::vector<double> all;
        for (auto& s : scenarios)
            if (s.rss_kb.count(rt.name))
                all.insert(all.end(), s.rss_kb.at(rt.name).begin(), s.rss_kb.at(rt.name).end());
        rss[rt.name] = all.empty() ? 0 : median(all);
        std::printf(" %10.0f", rss[rt.name]);
    }
    std::printf("\n\ntargets (median over the iterations of ocirun's time / the other's, each pair run back to back):\n");
    for (auto& t : targets) {
        const Scenario* sc = nullptr;
        for (auto& s : scenarios)
            if (s.name == t.scenario) sc = &s;
        const double ratio = sc ? median_ratio(*sc, "ocirun", t.against) : 0;
        if (ratio <= 0) {
            std::printf("  %-34s vs %-5s  not measured\n", t.scenario.c_str(), t.against.c_str());
            all_met = false;
            continue;
        }
        bool ok = ratio <= t.max_ratio;
        all_met = all_met && ok;
        std::printf("  %-34s vs %-5s  %.2fx (target <= %.2fx)  %s\n", t.scenario.c_str(),
                    t.against.c_str(), ratio, t.max_ratio, ok ? "MET" : "NOT MET");
    }
    if (rss.count("crun")) {
        bool ok = rss["ocirun"] > 0 && rss["ocirun"] <= rss["crun"];
        all_met = all_met && ok;
        std::printf("  %-34s vs %-5s  %.0f KiB vs %.0f KiB (target <=)  %s\n", "peak RSS", "crun",
                    rss["ocirun"], rss["crun"], ok ? "MET" : "NOT MET");
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> opt{{"--iterations", "30"}, {"--scale", "100"},
                                           {"--list-count", "1000"}, {"--work", "/tmp/ocirun-bench"}};
    std::vector<Runtime> rts;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--", 0) == 0 && i + 1 < argc) {
            opt[a] = argv[++i];
        } else if (auto eq = a.find('='); eq != std::string::npos) {
            rts.push_back({a.substr(0, eq), a.substr(eq + 1), {}});
        } else {
            std::fprintf(stderr, "ocirun_bench: unexpected argument %s\n", a.c_str());
            return 2;
        }
    }
    if (rts.empty() || rts.front().name != "ocirun") {
        std::fprintf(stderr, "ocirun_bench: the first runtime must be ocirun=PATH\n");
        return 2;
    }
    const int iters = std::stoi(opt["--iterations"]);
    for (auto& rt : rts) {
        rt.root = opt["--work"] + "/root-" + rt.name;
        fs::create_directories(rt.root);
        Result v = run_cmd({rt.path, "--version"}, true);
        std::istringstream first(v.output);
        std::string line;
        std::getline(first, line);
        std::printf("%-7s %s (%s)\n", rt.name.c_str(), rt.path.c_str(), line.c_str());
    }
    std::printf("iterations per scenario: %d, interleaved\n", iters);
    const Bundles bundles = make_bundles(rts.front().path, opt["--work"]);
    opt["--bundle"] = bundles.run;
    opt["--seccomp-bundle"] = bundles.seccomp;
    opt["--limits-bundle"] = bundles.limits;
    opt["--exec-bundle"] = bundles.exec;

    // Laziness and size: what an ocirun container loads, and what that costs on disk.
    bool lazy_ok = true;
    for (auto [label, bundle] : {std::pair{"without linux.seccomp", bundles.run}, std::pair{"with linux.seccomp", bundles.seccomp}}) {
        auto mapped = plugins_mapped(rts.front(), bundle, "bench-maps");
        std::uintmax_t bytes = fs::file_size(rts.front().path);
        std::string names;
        bool has_seccomp = false;
        for (auto& p : mapped) {
            names += " " + fs::path(p).filename().string();
            if (p.find("seccomp") != std::string::npos) has_seccomp = true;
            std::error_code ec;
            if (auto sz = fs::file_size(p, ec); !ec) bytes += sz;
        }
        if (std::string(label) == "without linux.seccomp" && has_seccomp) lazy_ok = false;
        std::printf("ocirun container %-22s plugins mapped:%s  (binary + plugins: %ju KiB)\n", label,
                    names.empty() ? " none" : names.c_str(), bytes / 1024);
    }
    for (auto& rt : rts)
        if (rt.name != "ocirun") {
            std::error_code ec;
            std::printf("%-7s binary size: %ju KiB\n", rt.name.c_str(), fs::file_size(rt.path, ec) / 1024);
        }
    std::printf("seccomp plugin loaded only when the bundle asks for it: %s\n", lazy_ok ? "yes" : "NO");
    {
        const fs::path plugin = fs::path(rts.front().path).parent_path().parent_path() /
                                "lib/ocirun/plugins/syscall-filter.seccomp.so";
        const auto t = seccomp_compile_times(plugin, fs::path(opt["--work"]) / "seccomp-cache-root", 50);
        if (t.compile >= 0)
            std::printf("seccomp compile of the containerd-like profile (%zu syscalls), median of 50: %.2f ms\n",
                        default_profile_syscalls().size(), t.compile);
        else std::printf("seccomp compile: plugin not found or not loadable at %s\n", plugin.c_str());
        if (t.hit >= 0)
            std::printf("seccomp compiled-filter cache: miss (compile + store) %.2f ms, hit median of 50: %.3f ms\n",
                        t.miss_and_store, t.hit);
        else if (t.compile >= 0) std::printf("seccomp compiled-filter cache: NOT WORKING (no hit after a store)\n");
    }

    std::vector<Scenario> scenarios;
    auto add = [&](std::string name, auto fn) {
        std::fprintf(stderr, "bench: %s ...\n", name.c_str());
        Scenario s;
        s.name = std::move(name);
        fn(s);
        scenarios.push_back(std::move(s));
    };
    add("run /bin/true", [&](Scenario& s) { bench_run(s, rts, opt["--bundle"], iters); });
    add("create+start+delete", [&](Scenario& s) { bench_create_start_delete(s, rts, opt["--bundle"], iters); });
    add("exec /bin/true", [&](Scenario& s) { bench_exec(s, rts, opt["--exec-bundle"], iters); });
    add("run /bin/true, default seccomp", [&](Scenario& s) { bench_run(s, rts, opt["--seccomp-bundle"], iters); });
    add("run /bin/true, mem/pids/cpu limits", [&](Scenario& s) { bench_run(s, rts, opt["--limits-bundle"], iters); });
    add("run /bin/true under /usr/bin/time (RSS)", [&](Scenario& s) { bench_peak_rss(s, rts, opt["--bundle"], iters); });
    const int scale = std::stoi(opt["--scale"]);
    if (scale > 0)
        add("scale: " + std::to_string(scale) + " create || 2, delete", [&](Scenario& s) { bench_scale(s, rts, opt["--bundle"], scale); });
    const int list_count = std::stoi(opt["--list-count"]);
    if (list_count > 0)
        add("list with " + std::to_string(list_count) + " containers", [&](Scenario& s) { bench_list(s, rts, opt["--bundle"], list_count); });

    std::vector<Target> targets{{"run /bin/true", "crun", 0.80},
                                {"run /bin/true", "runc", 0.35},
                                {"create+start+delete", "crun", 0.80},
                                {"exec /bin/true", "crun", 0.80}};
    bool all_met = lazy_ok;
    print_report(scenarios, rts, targets, all_met);
    std::printf("\nall targets met: %s\n", all_met ? "yes" : "no");
    return 0;
}
