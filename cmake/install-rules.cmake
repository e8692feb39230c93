# What `cmake --install` puts under the prefix:
#   include/zanj/...                      the headers
#   share/cmake/zanj/zanj{Config,ConfigVersion,Targets}.cmake   find_package(zanj CONFIG)
#   share/pkgconfig/zanj.pc               for builds without CMake
# Header-only, so the package files are architecture-independent and go to
# share/ rather than lib/<arch>/.
include(CMakePackageConfigHelpers)

set(ZANJ_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/zanj"
    CACHE STRING "Where zanjConfig.cmake is installed, relative to the prefix")
set(ZANJ_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where zanj.pc is installed, relative to the prefix")
mark_as_advanced(ZANJ_INSTALL_CMAKEDIR ZANJ_INSTALL_PKGCONFIGDIR)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/zanj"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")

install(TARGETS zanj_zanj EXPORT zanjTargets)
install(EXPORT zanjTargets
        NAMESPACE zanj::
        FILE zanjTargets.cmake
        DESTINATION "${ZANJ_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/zanjConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/zanjConfig.cmake"
  INSTALL_DESTINATION "${ZANJ_INSTALL_CMAKEDIR}")

# While the version is 0.x a minor release may change the API and the files
# it writes (semantic versioning gives 0.y no stability promise), so a
# request for 0.1 accepts 0.1.z only. SameMajorVersion would let 0.2 satisfy
# find_package(zanj 0.1); switch to it at 1.0.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/zanjConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)

install(FILES "${PROJECT_BINARY_DIR}/zanjConfig.cmake"
              "${PROJECT_BINARY_DIR}/zanjConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/zanj-isal.cmake"
        DESTINATION "${ZANJ_INSTALL_CMAKEDIR}")

# pkg-config: the prefix is found from the .pc file's own location, so the
# file stays right for `cmake --install --prefix <elsewhere>` and DESTDIR.
if(IS_ABSOLUTE "${ZANJ_INSTALL_PKGCONFIGDIR}")
  set(ZANJ_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH ZANJ_PC_PREFIX_FROM_PCDIR
       "/prefix/${ZANJ_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" ZANJ_PC_PREFIX_FROM_PCDIR "${ZANJ_PC_PREFIX_FROM_PCDIR}")
  set(ZANJ_PC_PREFIX "\${pcfiledir}/${ZANJ_PC_PREFIX_FROM_PCDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(ZANJ_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(ZANJ_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# Built with ISA-L: its define and library (the headers call it).
if(ZANJ_ISAL_FOUND)
  set(ZANJ_PC_EXTRA_CFLAGS " -DZANJ_HAVE_ISAL=1")
  set(ZANJ_PC_EXTRA_LIBS " -lisal")
else()
  set(ZANJ_PC_EXTRA_CFLAGS "")
  set(ZANJ_PC_EXTRA_LIBS "")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/zanj.pc.in"
               "${PROJECT_BINARY_DIR}/zanj.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/zanj.pc"
        DESTINATION "${ZANJ_INSTALL_PKGCONFIGDIR}")
