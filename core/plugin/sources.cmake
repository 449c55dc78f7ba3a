# Sources of core/plugin (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/runtime_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plugin_search.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plugin_library.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry.cpp)
