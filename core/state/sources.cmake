# Sources of core/state (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES)
