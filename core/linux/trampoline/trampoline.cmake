# The exec trampoline (exec_trampoline.c): built freestanding and static for the target machine,
# then embedded into libocirun as a byte array (exec_trampoline_bytes.cpp). Included from
# core/CMakeLists.txt before ocirun_core is defined; appends the generated source.
# The custom command bypasses the project's compile flags on purpose: no sanitizers, no stack
# protector, no libc.
set(OCIRUN_TRAMPOLINE_SOURCE ${CMAKE_CURRENT_LIST_DIR}/exec_trampoline.c)
set(OCIRUN_TRAMPOLINE_BINARY ${CMAKE_CURRENT_BINARY_DIR}/ocirun-exec-trampoline)
set(OCIRUN_TRAMPOLINE_EMBEDDED ${CMAKE_CURRENT_BINARY_DIR}/exec_trampoline_bytes.cpp)
# clang warns that -no-pie is unused when it compiles and links in one step (the fuzz build).
set(OCIRUN_TRAMPOLINE_CLANG_FLAGS)
if(CMAKE_C_COMPILER_ID MATCHES "Clang")
  set(OCIRUN_TRAMPOLINE_CLANG_FLAGS -Wno-unused-command-line-argument)
endif()
add_custom_command(
  OUTPUT ${OCIRUN_TRAMPOLINE_BINARY}
  COMMAND ${CMAKE_C_COMPILER} -static -nostdlib -ffreestanding -fno-stack-protector
          -fno-sanitize=all -fno-builtin -fno-asynchronous-unwind-tables -fno-pie -no-pie -fno-ident -O2 -s
          -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,noseparate-code -Wall -Wextra -Werror
          ${OCIRUN_TRAMPOLINE_CLANG_FLAGS} -o ${OCIRUN_TRAMPOLINE_BINARY} ${OCIRUN_TRAMPOLINE_SOURCE}
  DEPENDS ${OCIRUN_TRAMPOLINE_SOURCE}
  COMMENT "Building the exec trampoline (freestanding, static)"
  VERBATIM)
add_custom_command(
  OUTPUT ${OCIRUN_TRAMPOLINE_EMBEDDED}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${OCIRUN_TRAMPOLINE_BINARY} -DOUTPUT=${OCIRUN_TRAMPOLINE_EMBEDDED}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_binary.cmake
  DEPENDS ${OCIRUN_TRAMPOLINE_BINARY} ${CMAKE_CURRENT_LIST_DIR}/embed_binary.cmake
  COMMENT "Embedding the exec trampoline into libocirun"
  VERBATIM)
list(APPEND OCIRUN_CORE_SOURCES ${OCIRUN_TRAMPOLINE_EMBEDDED})
