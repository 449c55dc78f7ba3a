# Sources of core/state (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/container_id.cpp
  ${CMAKE_CURRENT_LIST_DIR}/state_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stored_state_json.cpp)
