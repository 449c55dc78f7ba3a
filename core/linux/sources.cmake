# Sources of core/linux (appended to libocirun).
list(APPEND OCIRUN_CORE_SOURCES)
