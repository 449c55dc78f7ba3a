# ocirun_add_plugin(<name> KIND <kind> SOURCES <src>... [LIBRARIES <lib>...] [COMPONENT <component>])
#
# Builds <kind>.<name>.so (no "lib" prefix) into the build tree's plugin dir and installs it to
# ${OCIRUN_PLUGIN_INSTALL_DIR}, in the install COMPONENT <component> (default: <name>), which is
# the Debian package it ships in (packaging/CMakeLists.txt: `runtime` is `ocirun`, any other
# component c is `ocirun-plugin-c`). Plugins compile against the SDK headers only (ocirun::sdk) and
# export nothing but the two symbols OCIRUN_PLUGIN() defines (hidden visibility).
function(ocirun_add_plugin name)
  cmake_parse_arguments(P "" "KIND;COMPONENT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_COMPONENT)
    set(P_COMPONENT "${name}")
  endif()
  set(target "ocirun_plugin_${name}")
  string(REPLACE "-" "_" target "${target}")
  add_library(${target} MODULE ${P_SOURCES})
  set_property(GLOBAL APPEND PROPERTY OCIRUN_PLUGIN_TARGETS ${target})
  target_link_libraries(${target} PRIVATE ocirun::sdk ${P_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_KIND}.${name}"
    LIBRARY_OUTPUT_DIRECTORY "${OCIRUN_BUILD_PLUGIN_DIR}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(OCIRUN_STATIC_LIBSTDCXX)
    # The C++ runtime comes from the ocirun binary, which carries and exports its own copy
    # (cli/CMakeLists.txt): no libstdc++.so dependency, so loading a plugin does not load it
    # (nor libgcc_s: libgcc_eh gives each plugin a private copy of the unwinder). Every other C++ runtime symbol is left for the
    # loader to bind to the binary, which keeps every one of them (cmake/plugin_cxx_symbols.cmake).
    target_link_options(${target} PRIVATE -nodefaultlibs)
    target_link_libraries(${target} PRIVATE c gcc gcc_eh)
  elseif(NOT OCIRUN_FUZZ)  # clang's sanitizer runtimes live in the executable, not the plugin
    target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,-z,defs)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION "${OCIRUN_PLUGIN_SUBDIR}" COMPONENT "${P_COMPONENT}")
endfunction()
