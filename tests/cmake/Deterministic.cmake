# Runs the same co-simulation twice and requires byte-identical log and results files.
#   cmake -DLPUSIM=... -DCONFIG=... -DSEED=... -DDIR=... [-DEXTRA_B=flag] -P Deterministic.cmake
# EXTRA_B: a flag for the second run only that must not change anything (e.g. --rtl-thread).
file(MAKE_DIRECTORY ${DIR})
foreach(run a b)
  execute_process(COMMAND ${LPUSIM} cosim mxm --config ${CONFIG} --seed ${SEED} --ops 3000
                          --log ${DIR}/${run}.log --results ${DIR}/${run}.npy --wave ${DIR}/${run}-waves
                          ${EXTRA_${run}}
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
# The FST header records when it was written; everything else must be identical.
find_program(FST2VCD fst2vcd REQUIRED)
foreach(run a b)
  execute_process(COMMAND ${FST2VCD} ${DIR}/${run}-waves/mxm.fst OUTPUT_VARIABLE vcd_${run} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fst2vcd failed on run ${run}")
  endif()
  string(REGEX REPLACE "\\$date[^$]*\\$end" "" vcd_${run} "${vcd_${run}}")
endforeach()
string(LENGTH "${vcd_a}" vcd_size)
if(NOT vcd_a STREQUAL vcd_b OR vcd_size LESS 100000)
  message(FATAL_ERROR "waveforms differ between two runs with the same seed (or are empty: ${vcd_size} bytes)")
endif()
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
