# Sources of core/spec (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES)
