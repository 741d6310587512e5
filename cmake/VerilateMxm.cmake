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

# lpusim_verilate_mxm(<variant-name> <config.yaml> <out-var-target>)
function(lpusim_verilate_mxm name config out_target)
  string(MAKE_C_IDENTIFIER "${name}" id)
  set(prefix "Vmxm_${id}")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/rtl_${id}")
  set(vc "${dir}/params.vc")
  set(lib "${dir}/${prefix}__ALL.a")
  file(GLOB rtl_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rtl/mxm/*.sv)
  set(top_source ${PROJECT_SOURCE_DIR}/tb/mxm/mxm_cosim_top.sv)

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

  set(cflags "-std=c++${CMAKE_CXX_STANDARD} -fPIC")
  if(LPUSIM_SANITIZE)
    set(cflags "${cflags} -fno-omit-frame-pointer")
  endif()
  add_custom_command(
    OUTPUT ${lib} ${dir}/${prefix}.h
    COMMAND ${VERILATOR_EXECUTABLE} ${LPUSIM_VERILATOR_FLAGS}
            --prefix ${prefix} -Mdir ${dir} -f ${vc}
            -CFLAGS ${cflags}
            # The *__Slow.cpp files run once; optimising them hard only costs build time.
            -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1"
            ${rtl_sources} ${top_source}
    DEPENDS ${vc} ${rtl_sources} ${top_source}
    COMMENT "Verilating MXM RTL variant ${name}"
    VERBATIM)
  add_custom_target(vmxm_${id}_build DEPENDS ${lib})

  set(VARIANT ${name})
  set(VARIANT_ID ${id})
  set(PREFIX ${prefix})
  set(CONFIG ${config})
  # Outside ${dir}, which scripts/bench_mxm.py deletes to time a clean RTL build.
  set(wrapper ${CMAKE_CURRENT_BINARY_DIR}/variants/MxmRtlVariant_${id}.cpp)
  configure_file(${PROJECT_SOURCE_DIR}/tb/mxm/MxmRtlVariant.cpp.in ${wrapper} @ONLY)
  add_library(mxm_rtl_${id} STATIC ${wrapper})
  add_dependencies(mxm_rtl_${id} vmxm_${id}_build)
  target_include_directories(mxm_rtl_${id} SYSTEM PRIVATE ${dir})
  target_link_libraries(mxm_rtl_${id} PUBLIC lpu_spec ${lib} verilated_runtime)
  # MxmRtl.h of tb/mxm, whose layer links this library.
  lpusim_layer_view(lpu_tb_mxm tb_mxm_view)
  target_include_directories(mxm_rtl_${id} PRIVATE ${tb_mxm_view})
  set(${out_target} mxm_rtl_${id} PARENT_SCOPE)
endfunction()
