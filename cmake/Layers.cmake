# Layers the build enforces. Every header is included by its path from the repository root
# ("models/mxm/MxmCore.h", "tb/mxm/MxmRtl.h", "compiler/Workload.h"), but no target sees the
# whole root: each layer exposes only its own folder, through a directory of its own in the
# build tree holding a link to that folder. A source therefore sees exactly the folders of the
# layers it links (directly or through them), and an include of a layer it may not use fails to
# compile. tests/python/check_layers.py checks the same graph from the sources (label lint).

# lpusim_layer(<target> FOLDER <folder> [SOURCES ...] [DEPS <layers> ...] [LIBS <external> ...])
# A static library of the sources of <folder> (relative to the repository root), linking the
# layers it may include; an INTERFACE library when it has no sources.
function(lpusim_layer target)
  cmake_parse_arguments(L "" "FOLDER" "SOURCES;DEPS;LIBS" ${ARGN})
  set(view ${PROJECT_BINARY_DIR}/include/${target})
  get_filename_component(parent ${view}/${L_FOLDER} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${L_FOLDER} ${view}/${L_FOLDER} SYMBOLIC)
  if(L_SOURCES)
    add_library(${target} STATIC ${L_SOURCES})
    target_include_directories(${target} PUBLIC ${view})
    target_link_libraries(${target} PUBLIC ${L_DEPS} ${L_LIBS})
    lpusim_warnings(${target})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${view})
    target_link_libraries(${target} INTERFACE ${L_DEPS} ${L_LIBS})
  endif()
  string(REPLACE ";" "," deps "${L_DEPS}")
  set_property(GLOBAL APPEND PROPERTY LPUSIM_LAYERS "${target} ${L_FOLDER} ${deps}")
endfunction()

# The include view of a layer, for targets that need its headers without linking it (the
# Verilated wrappers need tb/mxm/MxmRtl.h, and lpu_tb_mxm links them).
function(lpusim_layer_view target out_var)
  set(${out_var} ${PROJECT_BINARY_DIR}/include/${target} PARENT_SCOPE)
endfunction()
