# Sources of core/spec (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/json_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spec_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spec_serialize.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spec_validate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pretty_print.cpp
  ${CMAKE_CURRENT_LIST_DIR}/default_spec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/known_names.cpp
  ${CMAKE_CURRENT_LIST_DIR}/features.cpp)
