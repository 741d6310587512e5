# Finds every dependency as Debian packages it; a missing one stops configure naming the
# package to install (scripts/build.sh installs them all).

function(lpusim_missing what package)
  message(FATAL_ERROR "${what} not found. Install it with:\n  sudo apt-get install ${package}\n"
                      "(or run scripts/build.sh, which installs every dependency)")
endfunction()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  lpusim_missing("pkg-config" "pkg-config")
endif()

# Debian's SystemC has no CMake package, only pkg-config.
pkg_check_modules(SystemC QUIET IMPORTED_TARGET systemc)
if(NOT SystemC_FOUND)
  lpusim_missing("SystemC (with TLM-2.0)" "libsystemc-dev")
endif()
if(NOT EXISTS "${SystemC_INCLUDEDIR}/tlm" AND NOT EXISTS "/usr/include/tlm")
  lpusim_missing("SystemC's TLM-2.0 headers" "libsystemc-dev")
endif()

find_package(yaml-cpp 0.7 QUIET)
if(NOT yaml-cpp_FOUND)
  lpusim_missing("yaml-cpp >= 0.7" "libyaml-cpp-dev")
endif()

find_package(Catch2 2 QUIET)
if(NOT Catch2_FOUND)
  lpusim_missing("Catch2 v2" "catch2")
endif()

find_package(ZLIB QUIET)
if(NOT ZLIB_FOUND)
  lpusim_missing("zlib (for Verilator's FST waveform writer)" "zlib1g-dev")
endif()

find_package(Threads REQUIRED)

# oneDNN, the yardstick of bench/bench_gemm.cpp: a host int8 GEMM the model's MAC rate is
# measured against. Debian's dnnl-config.cmake requires OpenCL (its GPU runtime) with REQUIRED,
# which would stop configure without naming a package, so OpenCL is looked for first.
find_package(OpenCL QUIET)
if(NOT OpenCL_FOUND)
  lpusim_missing("OpenCL headers and loader (required by oneDNN's CMake package)" "ocl-icd-opencl-dev")
endif()
find_package(dnnl 2.6 QUIET CONFIG)
if(NOT dnnl_FOUND)
  lpusim_missing("oneDNN >= 2.6" "libdnnl-dev")
endif()

# One simulation over many processes (models/mpi): MPI's C API from C++, without the
# deprecated C++ bindings.
set(MPI_CXX_SKIP_MPICXX ON)
find_package(MPI QUIET COMPONENTS CXX)
if(NOT MPI_CXX_FOUND)
  lpusim_missing("MPI (Open MPI)" "libopenmpi-dev openmpi-bin")
endif()
find_program(LPUSIM_MPIRUN_FOUND NAMES mpirun mpiexec)
# Open MPI takes its installation prefix from the path it is started by: through the /bin
# symlink of a merged-/usr system that is "/", which it refuses. Its real path is under /usr.
if(LPUSIM_MPIRUN_FOUND)
  get_filename_component(LPUSIM_MPIRUN ${LPUSIM_MPIRUN_FOUND} REALPATH)
endif()

find_program(VERILATOR_EXECUTABLE verilator)
if(NOT VERILATOR_EXECUTABLE)
  lpusim_missing("Verilator 5" "verilator")
endif()
execute_process(COMMAND ${VERILATOR_EXECUTABLE} --version OUTPUT_VARIABLE _vl_version OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "Verilator ([0-9]+)\\.([0-9]+)" _ "${_vl_version}")
if(NOT CMAKE_MATCH_1 OR CMAKE_MATCH_1 LESS 5)
  message(FATAL_ERROR "Verilator 5 required, found '${_vl_version}' (sudo apt-get install verilator)")
endif()
execute_process(COMMAND ${VERILATOR_EXECUTABLE} --getenv VERILATOR_ROOT OUTPUT_VARIABLE VERILATOR_ROOT
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(VERILATOR_INCLUDE "${VERILATOR_ROOT}/include")

# Scripts and tests need numpy: use Debian's interpreter, not whatever python3 is first on PATH.
set(LPUSIM_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with numpy/yaml for scripts and tests")

# The standard check: a SystemC program built with our flags must link against libsystemc.
# libsystemc records the C++ standard it was built with in an sc_api_version_* symbol.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_INCLUDES ${SystemC_INCLUDE_DIRS})
set(CMAKE_REQUIRED_LIBRARIES ${SystemC_LINK_LIBRARIES} Threads::Threads)
set(CMAKE_REQUIRED_FLAGS "-std=c++${CMAKE_CXX_STANDARD}")
check_cxx_source_compiles([=[
#include <systemc>
int sc_main(int, char**) { sc_core::sc_time t(1, sc_core::SC_NS); return t.value() == 0; }
]=] LPUSIM_SYSTEMC_STANDARD_MATCHES)
unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_LIBRARIES)
unset(CMAKE_REQUIRED_FLAGS)
if(NOT LPUSIM_SYSTEMC_STANDARD_MATCHES)
  message(FATAL_ERROR "A C++${CMAKE_CXX_STANDARD} SystemC program does not link against libsystemc: "
                      "the library was built with another C++ standard (sc_api_version mismatch).")
endif()
