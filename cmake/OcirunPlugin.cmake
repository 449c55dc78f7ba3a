# ocirun_add_plugin(<name> KIND <kind> SOURCES <src>... [LIBRARIES <lib>...])
#
# Builds <kind>.<name>.so (no "lib" prefix) into the build tree's plugin dir and installs it to
# ${OCIRUN_PLUGIN_INSTALL_DIR}. Plugins compile against the SDK headers only (ocirun::sdk) and
# export nothing but the two symbols OCIRUN_PLUGIN() defines (hidden visibility).
function(ocirun_add_plugin name)
  cmake_parse_arguments(P "" "KIND" "SOURCES;LIBRARIES" ${ARGN})
  set(target "ocirun_plugin_${name}")
  string(REPLACE "-" "_" target "${target}")
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE ocirun::sdk ${P_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_KIND}.${name}"
    LIBRARY_OUTPUT_DIRECTORY "${OCIRUN_BUILD_PLUGIN_DIR}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,-z,defs)
  install(TARGETS ${target} LIBRARY DESTINATION "${OCIRUN_PLUGIN_SUBDIR}")
endfunction()
