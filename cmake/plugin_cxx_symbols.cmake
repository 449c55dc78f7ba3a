# cmake -P plugin_cxx_symbols.cmake -DNM=... -DSTDCXX=libstdc++.so -DGCC_EH=libgcc_eh.a -DCORE=libocirun.a
#         -DPLUGINS="a.so;b.so" -DOUTPUT=file
#
# With OCIRUN_STATIC_LIBSTDCXX the plugins take their C++ runtime symbols from the ocirun binary
# (cli/CMakeLists.txt). A static link only keeps the parts of libstdc++ that the binary itself
# uses, so this lists every libstdc++ symbol that a plugin of this build needs, as linker
# flags (-Wl,--undefined=SYMBOL) that make the binary carry it, and a dynamic list (OUTPUT.list,
# named in the flags) that exports exactly those: a plugin that starts using something new can
# never fail to load with "undefined symbol", and the binary's symbol table stays small.
# What the binary can lend: libstdc++ (-static-libstdc++), the unwinder (GCC_EH: libgcc_eh.a,
# -static-libgcc) and the core library (CORE, e.g. its compiled-in Boost.JSON, which the cgroup
# drivers then need not carry).
execute_process(COMMAND ${NM} -D --defined-only ${STDCXX} OUTPUT_VARIABLE defined_text
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${STDCXX}")
endif()
execute_process(COMMAND ${NM} --defined-only ${CORE} OUTPUT_VARIABLE core_text RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${CORE}")
endif()
# The unwinder (-static-libgcc: libgcc_eh.a in the binary), e.g. _Unwind_Resume.
set(eh_text "")
if(GCC_EH)
  execute_process(COMMAND ${NM} --defined-only ${GCC_EH} OUTPUT_VARIABLE eh_text ERROR_QUIET)
endif()
string(REGEX MATCHALL "[^\n]+" defined_lines "${defined_text}\n${core_text}\n${eh_text}")
set(runtime_symbols)
foreach(line IN LISTS defined_lines)
  if(line MATCHES "^[0-9a-f]+ [TtWVDRBu] ([^@ ]+)")
    list(APPEND runtime_symbols "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(REMOVE_DUPLICATES runtime_symbols)

set(needed)
foreach(plugin IN LISTS PLUGINS)
  execute_process(COMMAND ${NM} -D --undefined-only ${plugin} OUTPUT_VARIABLE undefined_text
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${plugin}")
  endif()
  string(REGEX MATCHALL "[^\n]+" undefined_lines "${undefined_text}")
  foreach(line IN LISTS undefined_lines)
    if(line MATCHES "^ +[Uw] ([^@ ]+)")
      list(APPEND needed "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES needed)

set(flags "-Wl,--dynamic-list=${OUTPUT}.list\n")
set(dynamic_list "{\n")
foreach(symbol IN LISTS needed)
  list(FIND runtime_symbols "${symbol}" at)
  if(at GREATER -1)
    string(APPEND flags "-Wl,--undefined=${symbol}\n")
    string(APPEND dynamic_list "  ${symbol};\n")
  endif()
endforeach()
string(APPEND dynamic_list "};\n")
file(WRITE "${OUTPUT}.list.tmp" "${dynamic_list}")
file(COPY_FILE "${OUTPUT}.list.tmp" "${OUTPUT}.list" ONLY_IF_DIFFERENT)
file(WRITE "${OUTPUT}.tmp" "${flags}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
