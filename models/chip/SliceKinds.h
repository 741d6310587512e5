// The slice kinds a chip is built from, each with the queue kinds it executes and a factory for
// its executor. The chip's engine names no unit: it builds one executor per entry of
// slice_kinds() and hands each queue's instructions to the executor of its kind. Adding a slice
// kind is its executor (in its unit's folder), its parameters (ChipSpec) and one line in
// SliceKinds.cpp.
#pragma once

#include "models/exec/SliceExecutor.h"
#include "models/isa/Program.h"
#include "models/spec/ChipSpec.h"

#include <memory>
#include <vector>

namespace lpu {

class C2cPorts;
class MemSystem;
class MxmObserver;
class ProductWorker;

// What an executor may be built from.
struct ExecutorDeps {
    const ChipSpec& spec;
    MemSystem& mem;             // the chip's SRAM
    MxmObserver* mxm_observer;  // may be null (co-simulation against the RTL)
    C2cPorts& c2c;              // the chip's C2C ports
    AgentDescriber describe;    // names an issue in reports
    ProductWorker* products;    // may be null: the MXM's integer products on another thread
};

// One registered slice kind: its name, the queue kinds it executes, and how to build its executor.
struct SliceKindEntry {
    const char* name;
    std::vector<QueueKind> queues;  // the queue kinds whose instructions it executes
    std::unique_ptr<SliceExecutor> (*make)(const ExecutorDeps& deps);
};

// In the order their executors advance within a cycle.
const std::vector<SliceKindEntry>& slice_kinds();

}  // namespace lpu
