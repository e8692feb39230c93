# Runs one consumer check; called by the consumer_* tests as
#   cmake -DMODE=<mode> -D... -P run_consumer.cmake
# MODE install:      `cmake --install` zanj's build into PREFIX and check
#                    that every header and package file is there.
# MODE package, subdirectory, fetchcontent: configure app/ into WORK_DIR
#                    with that mode, build it, run it.
# MODE pkg-config:   compile app/main.cpp with the flags of the installed
#                    zanj.pc alone, then run it.
cmake_minimum_required(VERSION 3.21)

function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "running: ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${shown}")
  endif()
endfunction()

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run("${CMAKE_COMMAND}" --install "${ZANJ_BINARY_DIR}" --prefix "${PREFIX}")
  file(GLOB_RECURSE headers RELATIVE "${ZANJ_SOURCE_DIR}/include" "${ZANJ_SOURCE_DIR}/include/*.hpp")
  set(expected ${headers})
  list(TRANSFORM expected PREPEND "include/")
  list(APPEND expected share/cmake/zanj/zanjConfig.cmake share/cmake/zanj/zanjConfigVersion.cmake
       share/cmake/zanj/zanjTargets.cmake share/pkgconfig/zanj.pc)
  foreach(file IN LISTS expected)
    if(NOT EXISTS "${PREFIX}/${file}")
      message(FATAL_ERROR "not installed: ${file}")
    endif()
  endforeach()
  list(LENGTH expected count)
  message(STATUS "installed into ${PREFIX}: ${count} files checked")
  return()
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(app_dir "${CMAKE_CURRENT_LIST_DIR}/app")

if(MODE STREQUAL "pkg-config")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf)
  if(NOT PKG_CONFIG)
    message("ZANJ_CONSUMER_SKIPPED: no pkg-config")
    return()
  endif()
  set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
  foreach(query IN ITEMS modversion cflags libs)
    execute_process(COMMAND "${PKG_CONFIG}" --${query} zanj RESULT_VARIABLE rc
                    OUTPUT_VARIABLE ${query} OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "pkg-config --${query} zanj failed")
    endif()
  endforeach()
  message(STATUS "zanj.pc: version ${modversion}, cflags '${cflags}', libs '${libs}'")
  if(NOT modversion STREQUAL ZANJ_VERSION)
    message(FATAL_ERROR "zanj.pc says version ${modversion}, the project is ${ZANJ_VERSION}")
  endif()
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  separate_arguments(libs UNIX_COMMAND "${libs}")
  separate_arguments(flags UNIX_COMMAND "${CXX_FLAGS}")
  run("${CXX}" -std=c++20 ${flags} ${cflags} "${app_dir}/main.cpp" -o "${WORK_DIR}/consumer" ${libs})
else()
  run("${CMAKE_COMMAND}" -S "${app_dir}" -B "${WORK_DIR}" -G "${GENERATOR}"
      "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}"
      "-DCMAKE_CXX_COMPILER=${CXX}"
      "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      -DCMAKE_BUILD_TYPE=
      "-DCMAKE_PREFIX_PATH=${PREFIX}"
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
      "-DZANJ_CONSUMER_MODE=${MODE}"
      "-DZANJ_SOURCE_DIR=${ZANJ_SOURCE_DIR}"
      "-DZANJ_EXPECTED_VERSION=${ZANJ_EXPECTED_VERSION}"
      "-DZANJ_EXPECTED_PREFIX=${PREFIX}")
  run("${CMAKE_COMMAND}" --build "${WORK_DIR}")
endif()
run("${WORK_DIR}/consumer" "${WORK_DIR}/out/consumer.zanj")
