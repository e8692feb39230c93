# The warning flags of zanj's own build: tests, examples, the header check and
# the consumer projects of tests/consumers. One list, used everywhere through
# zanj_warnings(<target>) or, for the separate consumer projects, as
# ${ZANJ_WARNING_FLAGS}. Never added to zanj::zanj itself: a project that uses
# the library must not inherit -Werror.
include_guard(GLOBAL)

option(ZANJ_WARNINGS_AS_ERRORS "Build zanj's own tests and examples with -Werror"
       ${PROJECT_IS_TOP_LEVEL})

set(ZANJ_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 reports std::variant's move constructor as maybe-uninitialized at
  # -O2 (a false positive inside libstdc++), for zanj::value.
  list(APPEND ZANJ_WARNING_FLAGS -Wno-maybe-uninitialized)
endif()
if(ZANJ_WARNINGS_AS_ERRORS)
  list(APPEND ZANJ_WARNING_FLAGS -Werror)
endif()

function(zanj_warnings target)
  target_compile_options(${target} PRIVATE ${ZANJ_WARNING_FLAGS})
endfunction()
