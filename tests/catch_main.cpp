// The Catch2 runner. libsystemc provides main() and calls sc_main, so Catch is started from
// here. CTest runs each TEST_CASE in its own process (catch_discover_tests), in parallel; the
// binary also runs every case in one process: chips are plain objects, and the one case that
// runs the SystemC kernel builds its modules first.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <systemc>  // declares sc_main with the C linkage libsystemc's main() calls

#include <cstdlib>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }

// Our own main() so the SystemC banner (printed before sc_main unless this is set) stays out
// of test output and test listings.
int main(int argc, char* argv[])
{
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
