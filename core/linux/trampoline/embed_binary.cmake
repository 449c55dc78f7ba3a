# cmake -DINPUT=<binary> -DOUTPUT=<file.cpp> -P embed_binary.cmake
# Writes the bytes of INPUT as ocirun::linux_init::kExecTrampoline (no xxd needed).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
if(size EQUAL 0)
  message(FATAL_ERROR "embed_binary: ${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes a line keeps the generated file readable (CMake regexes have no {n}).
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 sixteen_bytes)
string(REGEX REPLACE "(${sixteen_bytes})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by core/linux/trampoline/embed_binary.cmake. Do not edit.
#include \"linux/exec_trampoline.hpp\"

namespace ocirun::linux_init {
namespace {
alignas(16) const unsigned char kBytes[${size}] = {
    ${bytes}
};
}  // namespace
const std::span<const unsigned char> kExecTrampoline(kBytes, sizeof kBytes);
}  // namespace ocirun::linux_init
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
