// The seccomp plugin's compiled-filter cache (plugins/seccomp/filter_cache): a second compile of
// the same profile is read back, another profile misses, and a damaged or foreign file is never
// trusted (recompiled and replaced).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "seccomp_test_support.hpp"

using namespace seccomp_test;
namespace fs = std::filesystem;

namespace {

class SeccompCache : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ocirun-seccomp-cache-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        cache_ = root_ / "~seccomp-cache";
    }
    void TearDown() override {
        if (auto* p = plugin()) p->set_cache_dir("");  // the plugin instance is shared by all tests
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    std::vector<fs::path> cache_files() const {
        std::vector<fs::path> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(cache_, ec))
            if (e.path().extension() == ".bpf") out.push_back(e.path());
        return out;
    }

    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    static void write(const fs::path& p, const std::string& data) {
        std::ofstream(p, std::ios::binary | std::ios::trunc) << data;
    }

    static ocirun::spec::LinuxSeccomp profile_a() {
        auto s = profile("SCMP_ACT_ALLOW", {rule({"getppid"}, "SCMP_ACT_ERRNO", 77),
                                            rule({"no_such_syscall_xyz"}, "SCMP_ACT_ERRNO")});
        s.architectures = {"SCMP_ARCH_X86", "SCMP_ARCH_X32"};
        return s;
    }
    static ocirun::spec::LinuxSeccomp profile_b() {
        return profile("SCMP_ACT_ALLOW", {rule({"getppid"}, "SCMP_ACT_ERRNO", 78)});
    }

    fs::path root_, cache_;
};

TEST_F(SeccompCache, SecondCompileIsAHitWithTheSameResult) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    const auto first = p->compile(profile_a());
    EXPECT_FALSE(first.from_cache);
    ASSERT_EQ(cache_files().size(), 1u);
    struct stat st {};
    ASSERT_EQ(::stat(cache_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat(cache_files()[0].c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    const auto second = p->compile(profile_a());  // an equal profile, built anew
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(second.bpf, first.bpf);
    EXPECT_EQ(second.flags, first.flags);
    EXPECT_EQ(second.notify, first.notify);
    EXPECT_EQ(second.skipped_syscalls, first.skipped_syscalls);
    EXPECT_EQ(second.skipped_syscalls, std::vector<std::string>{"no_such_syscall_xyz"});
}

TEST_F(SeccompCache, AnotherProfileMisses) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    const auto a = p->compile(profile_a());
    const auto b = p->compile(profile_b());
    EXPECT_FALSE(b.from_cache);
    EXPECT_NE(a.bpf, b.bpf);
    EXPECT_EQ(cache_files().size(), 2u);
    // A change deep inside a rule (the errno) is a different key too.
    auto b2 = profile_b();
    b2.syscalls[0].errnoRet = 79;
    EXPECT_FALSE(p->compile(b2).from_cache);
    EXPECT_TRUE(p->compile(profile_b()).from_cache);
}

TEST_F(SeccompCache, CorruptFilesAreRecompiledAndReplaced) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    const auto good = p->compile(profile_a());
    ASSERT_EQ(cache_files().size(), 1u);
    const fs::path file = cache_files()[0];
    const std::string original = read(file);

    // Truncated by one byte (BPF length no longer a multiple of 8), one BPF byte flipped
    // (checksum), the header's magic damaged, an empty file.
    std::string flipped = original;
    flipped[flipped.size() - 3] ^= 0x40;
    std::string bad_magic = original;
    bad_magic[0] = 'X';
    for (const std::string& damaged : {original.substr(0, original.size() - 1), flipped, bad_magic, std::string()}) {
        write(file, damaged);
        const auto again = p->compile(profile_a());
        EXPECT_FALSE(again.from_cache);
        EXPECT_EQ(again.bpf, good.bpf);
        EXPECT_EQ(read(file), original) << "the damaged file is replaced";
        EXPECT_TRUE(p->compile(profile_a()).from_cache);
    }
}

TEST_F(SeccompCache, AnotherProfilesFileUnderThisNameIsNotTrusted) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    p->compile(profile_a());
    const fs::path file_a = cache_files()[0];
    p->compile(profile_b());
    fs::path file_b;
    for (const auto& f : cache_files())
        if (f != file_a) file_b = f;
    ASSERT_FALSE(file_b.empty());
    // A whole, well-formed entry whose stored key is A's, under B's name (a hash collision).
    fs::copy_file(file_a, file_b, fs::copy_options::overwrite_existing);
    const auto b = p->compile(profile_b());
    EXPECT_FALSE(b.from_cache);
    EXPECT_TRUE(p->compile(profile_b()).from_cache);
}

TEST_F(SeccompCache, UnsafeDirectoryIsNotUsed) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    p->compile(profile_a());
    ASSERT_EQ(::chmod(cache_.c_str(), 0777), 0);  // anyone could plant a filter now
    EXPECT_FALSE(p->compile(profile_a()).from_cache);
}

TEST_F(SeccompCache, NoStateRootNoCache) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir((root_ / "missing-root" / "~seccomp-cache").string());
    EXPECT_FALSE(p->compile(profile_a()).from_cache);
    EXPECT_FALSE(p->compile(profile_a()).from_cache);
    EXPECT_FALSE(fs::exists(root_ / "missing-root")) << "the cache never creates the state root";
}

TEST_F(SeccompCache, AFullCacheIsEmptiedBeforeTheNextStore) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    p->compile(profile_a());
    for (int i = 0; i < 300; ++i) write(cache_ / ("stale-" + std::to_string(i) + ".bpf"), "x");
    EXPECT_FALSE(p->compile(profile_b()).from_cache);
    EXPECT_EQ(cache_files().size(), 1u) << "old entries are dropped, the new one is kept";
    EXPECT_TRUE(p->compile(profile_b()).from_cache);
    EXPECT_FALSE(p->compile(profile_a()).from_cache) << "profile A's entry went with the rest";
}

TEST_F(SeccompCache, InvalidProfilesAreNeverCached) {
    SECCOMP_REQUIRE_PLUGIN(p);
    p->set_cache_dir(cache_.string());
    auto bad = profile_b();
    bad.syscalls[0].action = "SCMP_ACT_BOGUS";
    EXPECT_THROW(p->compile(bad), ocirun::Error);
    EXPECT_THROW(p->compile(bad), ocirun::Error);
    EXPECT_TRUE(cache_files().empty());
}

}  // namespace
