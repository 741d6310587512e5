# Runs the same co-simulation twice and requires byte-identical log and results files.
#   cmake -DLPUSIM=... -DCONFIG=... -DSEED=... -DDIR=... -P Deterministic.cmake
foreach(run a b)
  execute_process(COMMAND ${LPUSIM} cosim mxm --config ${CONFIG} --seed ${SEED} --ops 3000
                          --log ${DIR}/${run}.log --results ${DIR}/${run}.npy
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${run} failed with ${rc}")
  endif()
endforeach()
foreach(f log npy)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/a.${f} ${DIR}/b.${f} RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    message(FATAL_ERROR "${f} differs between two runs with the same seed")
  endif()
endforeach()
file(SIZE ${DIR}/a.log log_size)
if(log_size LESS 10000)
  message(FATAL_ERROR "log is suspiciously small (${log_size} bytes)")
endif()
# A different seed must give a different program, or the comparison above proves nothing.
execute_process(COMMAND ${LPUSIM} cosim mxm --config ${CONFIG} --seed 999${SEED} --ops 3000 --log ${DIR}/c.log
                RESULT_VARIABLE rc)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/a.log ${DIR}/c.log RESULT_VARIABLE diff)
if(NOT rc EQUAL 0 OR diff EQUAL 0)
  message(FATAL_ERROR "another seed did not give another run")
endif()
