// The workload loader behind `lpusim compile --workload` (compiler/WorkloadLoader.cpp).
#include "FuzzTarget.h"

#include "compiler/Workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    lpu::fuzz::expect_input_error(
        [&] { (void)lpu::load_workload_string(lpu::fuzz::text_of(data, size), "fuzz.yaml"); });
    return 0;
}
