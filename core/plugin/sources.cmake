# Sources of core/plugin (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES)
