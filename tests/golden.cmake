# Golden files of the generated C: `aslc --emit-c X.asl.json` must equal X.c, so every change
# to the code generator is reviewed as a diff of real output. After an intended change run:
#   for f in tests/golden/*.asl.json; do build/bin/aslc --emit-c $f -o ${f%.asl.json}.c; done
file(GLOB defs ${DIR}/*.asl.json)
set(failed 0)
foreach(def ${defs})
  string(REGEX REPLACE "\\.asl\\.json$" ".c" golden ${def})
  execute_process(COMMAND ${ASLC} --emit-c ${def} OUTPUT_VARIABLE got RESULT_VARIABLE rc)
  file(READ ${golden} want)
  if(NOT rc EQUAL 0 OR NOT got STREQUAL want)
    message(SEND_ERROR "generated C differs from ${golden}")
    math(EXPR failed "${failed} + 1")
  endif()
endforeach()
list(LENGTH defs n)
message(STATUS "golden: ${n} files, ${failed} differ")
