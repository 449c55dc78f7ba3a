# Sources of core/plugin (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/runtime_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plugin_search.cpp
  ${CMAKE_CURRENT_LIST_DIR}/elf_symbol_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plugin_descriptor_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plugin_library.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry.cpp)
