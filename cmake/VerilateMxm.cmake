# Verilates the MXM co-simulation top once per configuration and wraps it as an MxmRtl variant.
#
# verilate() (Verilator's CMake package) runs Verilator at configure time for every call; we
# run `verilator --build` as a build step instead, so configuring stays fast and the RTL is
# rebuilt only when its sources or its config change. Parameters come from the config through
# lpusim-rtl-params: the YAML is the one parameter source for model and RTL.

set(LPUSIM_VERILATOR_FLAGS
  --cc --build -j 2
  --top-module mxm_cosim_top
  --trace-fst --trace-structs --trace-max-array 4096 --trace-max-width 4096
  -O3 --x-assign fast --x-initial fast
  -Wno-fatal
)

# The Verilator runtime, compiled once for all variants (`verilator --build` without --exe
# builds only the model's own archive). Third-party code: no lpusim warning flags.
add_library(verilated_runtime STATIC
  ${VERILATOR_INCLUDE}/verilated.cpp
  ${VERILATOR_INCLUDE}/verilated_fst_c.cpp
  ${VERILATOR_INCLUDE}/verilated_threads.cpp
)
target_include_directories(verilated_runtime SYSTEM PUBLIC ${VERILATOR_INCLUDE} ${VERILATOR_INCLUDE}/vltstd)
target_compile_definitions(verilated_runtime PUBLIC VM_TRACE=1 VM_TRACE_FST=1)
target_link_libraries(verilated_runtime PUBLIC ZLIB::ZLIB Threads::Threads)
if(LPUSIM_SANITIZE)
  # Third-party: Verilator's bundled FST writer (fstapi.c) relies on unaligned stores and
  # left shifts of negative values, which UBSan reports. AddressSanitizer stays on.
  target_compile_options(verilated_runtime PRIVATE -fno-sanitize=undefined)
endif()

# Verilates and compiles one build of a variant: class <prefix>, archive <dir>/<prefix>__ALL.a.
# `extra_cflags` are appended to the C++ flags of the Verilated code (e.g. -mavx2).
function(lpusim_verilate_mxm_build prefix dir vc extra_cflags comment)
  file(GLOB rtl_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rtl/mxm/*.sv)
  set(top_source ${PROJECT_SOURCE_DIR}/tb/mxm/mxm_cosim_top.sv)
  set(cflags "-std=c++${CMAKE_CXX_STANDARD} -fPIC ${extra_cflags}")
  if(LPUSIM_SANITIZE)
    set(cflags "${cflags} -fno-omit-frame-pointer")
  endif()
  add_custom_command(
    OUTPUT ${dir}/${prefix}__ALL.a ${dir}/${prefix}.h
    COMMAND ${VERILATOR_EXECUTABLE} ${LPUSIM_VERILATOR_FLAGS}
            --prefix ${prefix} -Mdir ${dir} -f ${vc}
            -CFLAGS ${cflags}
            # The *__Slow.cpp files run once; optimising them hard only costs build time. -O3 for
            # the rest measured no faster than -O2 (docs/performance.md, issue 11 section).
            -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1"
            ${rtl_sources} ${top_source}
    DEPENDS ${vc} ${rtl_sources} ${top_source}
    COMMENT "${comment}"
    VERBATIM)
endfunction()

# lpusim_verilate_mxm(<variant-name> <config.yaml> <out-var-target>)
function(lpusim_verilate_mxm name config out_target)
  string(MAKE_C_IDENTIFIER "${name}" id)
  set(prefix "Vmxm_${id}")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/rtl_${id}")
  set(vc "${dir}/params.vc")

  # Rewritten only when the parameters change (copy_if_different): relinking lpusim-rtl-params,
  # which every change to the parameter code does, must not re-Verilate every variant.
  add_custom_command(
    OUTPUT ${vc}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND lpusim-rtl-params ${config} ${vc}.new
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${vc}.new ${vc}
    DEPENDS lpusim-rtl-params ${config}
    COMMENT "RTL parameters of MXM variant ${name} from ${config}"
    VERBATIM)

  lpusim_verilate_mxm_build(${prefix} ${dir} ${vc} "" "Verilating MXM RTL variant ${name}")
  set(libs ${dir}/${prefix}__ALL.a)
  set(include_dirs ${dir})
  # The same C++ once more for AVX2 (its own class name, so both link into one binary), chosen at
  # run time by mxm_rtl_use_avx2(): the MAC loop's 32-bit multiplies vectorise 8-wide.
  set(LPUSIM_VARIANT_AVX2 ${LPUSIM_RTL_AVX2})
  if(LPUSIM_RTL_AVX2)
    set(avx2_dir "${dir}_avx2")
    lpusim_verilate_mxm_build(${prefix}_avx2 ${avx2_dir} ${vc} "-mavx2" "Verilating MXM RTL variant ${name} for AVX2")
    list(APPEND libs ${avx2_dir}/${prefix}_avx2__ALL.a)
    list(APPEND include_dirs ${avx2_dir})
  endif()
  add_custom_target(vmxm_${id}_build DEPENDS ${libs})

  set(VARIANT ${name})
  set(VARIANT_ID ${id})
  set(PREFIX ${prefix})
  set(CONFIG ${config})
  # Outside ${dir}, which scripts/bench_mxm.py deletes to time a clean RTL build.
  set(wrapper ${CMAKE_CURRENT_BINARY_DIR}/variants/MxmRtlVariant_${id}.cpp)
  configure_file(${PROJECT_SOURCE_DIR}/tb/mxm/MxmRtlVariant.cpp.in ${wrapper} @ONLY)
  add_library(mxm_rtl_${id} STATIC ${wrapper})
  add_dependencies(mxm_rtl_${id} vmxm_${id}_build)
  target_include_directories(mxm_rtl_${id} SYSTEM PRIVATE ${include_dirs})
  target_link_libraries(mxm_rtl_${id} PUBLIC lpu_spec ${libs} verilated_runtime)
  # MxmRtl.h and MxmRtlVerilated.h of tb/mxm, whose layer links this library.
  lpusim_layer_view(lpu_tb_mxm tb_mxm_view)
  target_include_directories(mxm_rtl_${id} PRIVATE ${tb_mxm_view})
  set(${out_target} mxm_rtl_${id} PARENT_SCOPE)
endfunction()
