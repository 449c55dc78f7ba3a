# Sources of core/container (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES)
