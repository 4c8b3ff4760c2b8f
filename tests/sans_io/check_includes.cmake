# cmake -DROOT=<repo> -DDIRS=http:tls:proxy:flow -P check_includes.cmake
# Fails when a protocol source (core/<dir>/**, and core/*.{hpp,cpp}) includes libuv or a
# header of a module that does I/O.
string(REPLACE ":" ";" dirs "${DIRS}")
file(GLOB files ${ROOT}/core/*.cpp ${ROOT}/core/*.hpp)
foreach(dir ${dirs})
  file(GLOB_RECURSE found ${ROOT}/core/${dir}/*.cpp ${ROOT}/core/${dir}/*.hpp ${ROOT}/core/${dir}/*.h)
  if(NOT found)
    message(FATAL_ERROR "core/${dir}: no sources; is the list of protocol dirs stale?")
  endif()
  list(APPEND files ${found})
endforeach()

set(forbidden "^[ \t]*#[ \t]*include[ \t]*[<\"](uv\\.h|uv/|core/net/|core/store/|core/engine/)")
set(offenders "")
foreach(file ${files})
  file(STRINGS ${file} hits REGEX "${forbidden}")
  foreach(hit ${hits})
    file(RELATIVE_PATH rel ${ROOT} ${file})
    string(APPEND offenders "\n  ${rel}: ${hit}")
  endforeach()
endforeach()
list(LENGTH files count)
if(offenders)
  message(FATAL_ERROR "flowscope_protocol is sans-io, but these includes bring libuv or I/O in:"
                      "${offenders}")
endif()
message(STATUS "${count} protocol files, none includes libuv, net, store or engine headers")
