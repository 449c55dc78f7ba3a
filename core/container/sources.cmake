# Sources of core/container (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/cgroup_view.cpp
  ${CMAKE_CURRENT_LIST_DIR}/child_reports.cpp
  ${CMAKE_CURRENT_LIST_DIR}/checkpoint.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_path.cpp
  ${CMAKE_CURRENT_LIST_DIR}/restore.cpp
  ${CMAKE_CURRENT_LIST_DIR}/container.cpp
  ${CMAKE_CURRENT_LIST_DIR}/events.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lsm_choice.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/console_socket.cpp
  ${CMAKE_CURRENT_LIST_DIR}/host_terminal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/terminal_proxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/init_launcher.cpp
  ${CMAKE_CURRENT_LIST_DIR}/init_waiter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_info.cpp
  ${CMAKE_CURRENT_LIST_DIR}/resources_update.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rfc3339.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rootless.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runtime_maintenance.cpp
  ${CMAKE_CURRENT_LIST_DIR}/seccomp_agent.cpp
  ${CMAKE_CURRENT_LIST_DIR}/signal_forwarding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/state_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/status.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stored_cgroup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/syscall_filter.cpp)
