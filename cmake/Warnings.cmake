# Warning and sanitizer flags for lpusim's own targets (never for Verilated or third-party code).

set(LPUSIM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(LPUSIM_WERROR)
  list(APPEND LPUSIM_WARNINGS -Werror)
endif()

if(LPUSIM_SANITIZE)
  set(LPUSIM_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${LPUSIM_SANITIZE_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()

# Applies the warning set to one of our targets.
function(lpusim_warnings target)
  target_compile_options(${target} PRIVATE ${LPUSIM_WARNINGS})
endfunction()
