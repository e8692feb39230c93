# Intel ISA-L (Debian: libisal-dev), zanj's optional fast deflate, inflate and
# CRC-32. Defines the INTERFACE target zanj::isal: when ISA-L is found (and
# ZANJ_WITH_ISAL is not OFF) it carries ISA-L's include path, its library and
# ZANJ_HAVE_ISAL=1; otherwise it is empty and zanj deflates with zlib alone.
# Included by the project's CMakeLists.txt and by the installed
# zanjConfig.cmake, so users of the package find ISA-L the same way.
if(NOT TARGET zanj::isal)
  if(NOT DEFINED ZANJ_WITH_ISAL OR ZANJ_WITH_ISAL)
    find_path(ZANJ_ISAL_INCLUDE_DIR isa-l/igzip_lib.h)
    find_library(ZANJ_ISAL_LIBRARY NAMES isal)
    mark_as_advanced(ZANJ_ISAL_INCLUDE_DIR ZANJ_ISAL_LIBRARY)
  endif()
  # GLOBAL: zanj::zanj refers to it from wherever zanj is added as a subproject.
  add_library(zanj::isal INTERFACE IMPORTED GLOBAL)
  if(ZANJ_ISAL_INCLUDE_DIR AND ZANJ_ISAL_LIBRARY AND (NOT DEFINED ZANJ_WITH_ISAL OR ZANJ_WITH_ISAL))
    set_target_properties(zanj::isal PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${ZANJ_ISAL_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${ZANJ_ISAL_LIBRARY}"
      INTERFACE_COMPILE_DEFINITIONS "ZANJ_HAVE_ISAL=1")
    set(ZANJ_ISAL_FOUND TRUE)
  else()
    set(ZANJ_ISAL_FOUND FALSE)
  endif()
endif()
