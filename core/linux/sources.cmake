# Sources of core/linux (appended to libocirun): the container's init, child side.
list(APPEND OCIRUN_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/init.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sync.cpp
  # SCM_RIGHTS send/receive: sync channel, pty master, seccomp listener
  ${CMAKE_CURRENT_LIST_DIR}/fd_passing.cpp
  # kReady / kError-or-stderr of the init and the exec'd process
  ${CMAKE_CURRENT_LIST_DIR}/child_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/namespaces.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_in_root.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mount_options.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rootfs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lsm_labels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cgroup_mount.cpp
  ${CMAKE_CURRENT_LIST_DIR}/devices.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pivot.cpp
  ${CMAKE_CURRENT_LIST_DIR}/masked_paths.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sysctl.cpp
  ${CMAKE_CURRENT_LIST_DIR}/console.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stdio_dev_null.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_fifo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/capabilities.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_setup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_env.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_scheduling.cpp
  ${CMAKE_CURRENT_LIST_DIR}/idmapped_mount.cpp
  # uid/gid maps of a new user namespace: direct or newuidmap/newgidmap (rootless)
  ${CMAKE_CURRENT_LIST_DIR}/id_mapping.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tmpfs_copyup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_lookup.cpp
  # the final exec through a sealed memfd trampoline (CVE-2019-5736); its bytes are generated
  # by trampoline/trampoline.cmake
  ${CMAKE_CURRENT_LIST_DIR}/exec_trampoline.cpp
  # `exec`: the shared pre-execve steps and the exec'd process's setup
  ${CMAKE_CURRENT_LIST_DIR}/exec_handoff.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_process.cpp
  # the child-side seccomp filter loader and its user-space verdict
  ${CMAKE_CURRENT_LIST_DIR}/syscall_filter_install.cpp
  ${CMAKE_CURRENT_LIST_DIR}/filter_verdict.cpp)
