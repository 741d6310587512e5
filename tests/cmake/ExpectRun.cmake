# Runs a command and checks its exit code and output: ctest's PASS_REGULAR_EXPRESSION alone
# ignores the exit code, and a failing check must fail for the right reason.
#   cmake -DCMD="a;b;c" -DEXIT=1 -DMATCH="regex" [-DMATCH2="regex"] [-DNOMATCH="regex"] -P ExpectRun.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
message("${all}")
if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
foreach(var MATCH MATCH2 MATCH3)
  if(DEFINED ${var} AND NOT "${all}" MATCHES "${${var}}")
    message(FATAL_ERROR "output does not match: ${${var}}")
  endif()
endforeach()
if(DEFINED NOMATCH AND "${all}" MATCHES "${NOMATCH}")
  message(FATAL_ERROR "output matches what it must not: ${NOMATCH}")
endif()
