// The SDK's layout table (ocirun/plugin_layout.hpp) against the committed copy
// tests/unit/fixtures/plugin_abi_layout.txt: a struct or interface of the plugin boundary that
// changes without an OCIRUN_PLUGIN_ABI_VERSION bump fails here. And the table's virtual slots
// against the compiler's, so the table cannot drift from the classes it describes.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "ocirun/plugin.hpp"
#include "plugin/plugin_descriptor_check.hpp"

namespace {

using namespace ocirun::plugin;

const std::string kCommittedTable = std::string(OCIRUN_TEST_SOURCE_DIR) + "/tests/unit/fixtures/plugin_abi_layout.txt";

// "abi N" then one "what value" line per entry, as committed.
std::string current_table() {
    std::ostringstream out;
    out << "abi " << OCIRUN_PLUGIN_ABI_VERSION << "\n";
    for (const auto& e : layout::kTable) out << e.what << " " << e.value << "\n";
    return out.str();
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The lines of `a` missing from `b`, each prefixed.
std::string lines_not_in(const std::string& a, const std::string& b, const char* prefix) {
    std::istringstream in(a);
    std::string line, out;
    while (std::getline(in, line))
        if (b.find("\n" + line + "\n") == std::string::npos && b.rfind(line + "\n", 0) != 0) out += prefix + line + "\n";
    return out;
}

// The committed table is the x86_64 Linux libstdc++ (cxx11 ABI) one, which CI builds.
bool committed_platform() {
#if defined(__x86_64__) && defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
    return true;
#else
    return false;
#endif
}

TEST(PluginLayout, MatchesTheCommittedTableForThisAbiVersion) {
    if (!committed_platform()) GTEST_SKIP() << "the committed table is for x86_64 with libstdc++'s cxx11 ABI";
    const std::string now = current_table();
    if (const char* out = std::getenv("OCIRUN_WRITE_LAYOUT_TABLE")) {
        std::ofstream(out) << now;
        GTEST_SKIP() << "wrote the current table to " << out << " (OCIRUN_WRITE_LAYOUT_TABLE)";
    }
    const std::string committed = read_text(kCommittedTable);
    ASSERT_FALSE(committed.empty()) << "cannot read " << kCommittedTable;
    if (now == committed) return;
    const std::string diff = lines_not_in(committed, now, "- ") + lines_not_in(now, committed, "+ ");
    const std::string regenerate = "regenerate it: OCIRUN_WRITE_LAYOUT_TABLE=" + kCommittedTable +
                                   " build-test/bin/ocirun_unit_tests --gtest_filter='PluginLayout.*'";
    if (first_line(now) == first_line(committed))
        FAIL() << "the plugin SDK's layout changed but OCIRUN_PLUGIN_ABI_VERSION is still " << OCIRUN_PLUGIN_ABI_VERSION
               << ": bump it in core/include/ocirun/plugin.hpp (with a line saying why), then " << regenerate << "\n"
               << diff;
    FAIL() << "OCIRUN_PLUGIN_ABI_VERSION is " << OCIRUN_PLUGIN_ABI_VERSION << " but " << kCommittedTable << " is for "
           << first_line(committed) << ": " << regenerate << "\n"
           << diff;
}

// Itanium C++ ABI: a pointer to a virtual member function holds 1 + the function's byte offset in
// the virtual table (and a this-adjustment).
template <class C, class M>
std::size_t vtable_slot(M C::*method) {
    struct {
        std::uintptr_t ptr;
        std::ptrdiff_t adj;
    } rep;
    static_assert(sizeof(method) == sizeof(rep));
    std::memcpy(&rep, &method, sizeof rep);
    EXPECT_EQ(rep.ptr & 1u, 1u) << "not a virtual function";
    return (rep.ptr - 1) / sizeof(void*);
}

TEST(PluginLayout, VirtualSlotsInTheTableAreTheCompilers) {
#define OCIRUN_CHECK_SLOT(C, m, slot) EXPECT_EQ(vtable_slot(&C::m), std::size_t{slot}) << #C "::" #m;
    OCIRUN_SDK_VTABLES(OCIRUN_CHECK_SLOT)
#undef OCIRUN_CHECK_SLOT
}

TEST(PluginLayout, TheLoaderComparesThisTablesHash) {
    EXPECT_EQ(ocirun::plugin_detail::host_descriptor().layout_hash, layout::kTableHash);
    EXPECT_EQ(ocirun::plugin_detail::host_descriptor().abi_version, OCIRUN_PLUGIN_ABI_VERSION);
    EXPECT_EQ(ocirun::plugin_detail::host_descriptor().size, sizeof(ocirun_plugin_descriptor_t));
}

}  // namespace
