# The plugin SDK as installed (install component `dev`): the headers of core/include/ocirun, the
# CMake package ocirun-plugin (find_package(ocirun-plugin)) and the pkg-config file
# ocirun-plugin.pc. Both name the plugin directory of the ocirun installed with them.
include(CMakePackageConfigHelpers)

file(STRINGS "${CMAKE_SOURCE_DIR}/core/include/ocirun/plugin.hpp" abi_line REGEX "^#define OCIRUN_PLUGIN_ABI_VERSION ")
string(REGEX REPLACE "^#define OCIRUN_PLUGIN_ABI_VERSION ([0-9]+)u.*" "\\1" OCIRUN_SDK_ABI_VERSION "${abi_line}")
set(OCIRUN_SDK_BOOST_MIN 1.81)
set(OCIRUN_SDK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ocirun-plugin")
set(OCIRUN_SDK_PC_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

install(DIRECTORY "${CMAKE_SOURCE_DIR}/core/include/ocirun" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT dev)

configure_package_config_file("${CMAKE_SOURCE_DIR}/cmake/sdk/ocirun-plugin-config.cmake.in"
  "${CMAKE_BINARY_DIR}/sdk/ocirun-plugin-config.cmake"
  INSTALL_DESTINATION "${OCIRUN_SDK_CMAKE_DIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR OCIRUN_PLUGIN_SUBDIR)
# The SDK is as compatible as its ABI: a plugin needs the same minor version line.
write_basic_package_version_file("${CMAKE_BINARY_DIR}/sdk/ocirun-plugin-config-version.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/sdk/ocirun-plugin-config.cmake" "${CMAKE_BINARY_DIR}/sdk/ocirun-plugin-config-version.cmake"
  DESTINATION "${OCIRUN_SDK_CMAKE_DIR}" COMPONENT dev)

# Relative to the .pc file, so that an install into any prefix (or DESTDIR) is self-consistent.
file(RELATIVE_PATH OCIRUN_SDK_PC_TO_PREFIX "/prefix/${OCIRUN_SDK_PC_DIR}" "/prefix")
string(REGEX REPLACE "/$" "" OCIRUN_SDK_PC_TO_PREFIX "${OCIRUN_SDK_PC_TO_PREFIX}")
configure_file("${CMAKE_SOURCE_DIR}/cmake/sdk/ocirun-plugin.pc.in" "${CMAKE_BINARY_DIR}/sdk/ocirun-plugin.pc" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/sdk/ocirun-plugin.pc" DESTINATION "${OCIRUN_SDK_PC_DIR}" COMPONENT dev)
