# storeedge_module(NAME <target> LAYER <layer> [SOURCES ...] [DEPS ...] [VENDOR ...])
#
# Every layer has the same shape: include/edge/<layer>/*.h (public), src/*.cc
# and unit/*_test.cc. The layer's allowed dependencies are checked here, so
# that "dependencies point inward" (../shared/STYLE.md) is enforced by the
# build rather than by review:
#   core    -> nothing
#   log     -> nothing
#   store   -> core, log          (+ SQLite)
#   sync    -> core, log          (+ Paho, JSON)
#   drivers -> core, log          (+ libusb, CUPS)
#   kiosk   -> core, log          (+ Boost.Beast, JSON)
#   app     -> everything
#   sim     -> core               (+ JSON; its program + Paho): the simulated OMS
set(_storeedge_allowed_core "")
set(_storeedge_allowed_log "")
set(_storeedge_allowed_store "storeedge_core;storeedge_log")
set(_storeedge_allowed_sync "storeedge_core;storeedge_log")
set(_storeedge_allowed_drivers "storeedge_core;storeedge_log")
set(_storeedge_allowed_kiosk "storeedge_core;storeedge_log")
set(_storeedge_allowed_sim "storeedge_core")
set(_storeedge_allowed_app "storeedge_core;storeedge_log;storeedge_store;storeedge_sync;storeedge_drivers;storeedge_kiosk")

function(storeedge_module)
  cmake_parse_arguments(M "" "NAME;LAYER" "SOURCES;DEPS;VENDOR" ${ARGN})
  foreach(dep IN LISTS M_DEPS)
    if(NOT dep IN_LIST _storeedge_allowed_${M_LAYER})
      message(FATAL_ERROR "layer '${M_LAYER}' may not depend on '${dep}' "
                          "(allowed: ${_storeedge_allowed_${M_LAYER}})")
    endif()
  endforeach()
  add_library(${M_NAME} STATIC ${M_SOURCES})
  target_include_directories(${M_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${M_NAME} PUBLIC ${M_DEPS} PRIVATE ${M_VENDOR})
endfunction()

# storeedge_test(NAME <exe> LABEL <unit|integration|system> SOURCES ... LIBS ...)
# One GoogleTest binary; its tests are registered with ctest under LABEL.
function(storeedge_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS;ENV" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${T_ENV}"
    DISCOVERY_TIMEOUT 60)
endfunction()
