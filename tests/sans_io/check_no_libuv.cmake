# cmake -DEXE=<protocol_link_check> -P check_no_libuv.cmake
# The executable exists, so flowscope_protocol linked whole; it must also not depend on
# libuv, or the link proved nothing.
execute_process(COMMAND ${EXE} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${status}")
endif()
execute_process(COMMAND readelf --dynamic ${EXE} OUTPUT_VARIABLE dynamic RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "readelf --dynamic ${EXE} failed (${status})")
endif()
if(dynamic MATCHES "libuv")
  message(FATAL_ERROR "flowscope_protocol brought libuv into the link of ${EXE}")
endif()
message(STATUS "flowscope_protocol links whole without libuv")
