// The chip: MEM slices, stream registers and MXM planes assembled from a config, running a
// statically scheduled Program cycle-exactly (docs/isa.md section 3) through a ChipEngine.
// Execution is event-driven: it visits only cycles in which an instruction issues or a value
// lands, so its cost follows instructions executed and MACs computed, not cycles x positions x
// streams. A chip has a name (its own in a system, empty alone) and an id (its place in a
// system). It is a plain
// object, not a SystemC module: it keeps its own cycle count, so any number of chips can be
// built and run in one process, before or after a SystemC kernel has run.
#pragma once

#include "models/c2c/C2cPorts.h"
#include "models/chip/ChipEngine.h"
#include "models/exec/ChipObserver.h"
#include "models/exec/RunStats.h"
#include "models/icu/HacClock.h"
#include "models/isa/Program.h"
#include "models/mem/MemSystem.h"
#include "models/mxm/MxmObserver.h"
#include "models/spec/ChipSpec.h"

#include <tlm>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

class ProductWorker;

class Chip {
public:
    // `id`: the chip's place in its system (0 for a chip alone), at most 65535.
    Chip(std::string name, const ChipSpec& spec, unsigned id = 0);
    ~Chip();
    Chip(const Chip&) = delete;
    Chip& operator=(const Chip&) = delete;

    const std::string& name() const { return name_; }
    const QueueMap& queues() const { return map_; }
    MemSystem& mem() { return *mem_; }
    // Its C2C ports: a system connects them to links and moves vectors between chips.
    C2cPorts& c2c() { return c2c_; }
    // Its hardware-aligned counter: free-running from cycle 0 until a system aligns it.
    const HacClock& hac() const { return hac_; }
    void set_hac(HacClock hac) { hac_ = std::move(hac); }
    const ChipSpec& spec() const { return spec_; }
    unsigned id() const { return id_; }
    // Threads its runs use: with 2, the MXM's integer products are computed on a thread of their
    // own beside the engine's (models/mxm/ProductWorker); the results are the same bits. Not while
    // an engine of this chip exists: its MXM planes hold the worker.
    void set_threads(unsigned threads);
    ProductWorker* product_worker() { return products_.get(); }
    // "chip 0 (tiny)" (a lone chip), "chip n3.c5 (tiny)" (a chip of a system): how errors name it.
    std::string label() const;

    // Writes `bytes` (rows x lanes x element bytes, row-major, little-endian elements) into the
    // tensor's words as byte planes, as TLM-2.0 debug transactions to the SRAM. Throws InputError.
    void load_tensor(const TensorDecl& t, const std::vector<uint8_t>& bytes);
    std::vector<uint8_t> dump_tensor(const TensorDecl& t);
    // The same for a matrix (rows x cols elements, row-major): split into its column blocks,
    // the lanes past cols zero-filled (rows past `rows` in a block are left as they are).
    void load_matrix(const Program& program, const MatrixDecl& m, const std::vector<uint8_t>& bytes);
    std::vector<uint8_t> dump_matrix(const Program& program, const MatrixDecl& m);

    // Starts `program` (writing its instruction blocks into MEM): an engine to advance in
    // windows. `observers` (traces, waveforms, checkers; null entries ignored) see every issue
    // and stream value; `mxm_observer` (may be null) every MXM instruction and result
    // (co-simulation against the RTL). The chip must outlive the engine.
    std::unique_ptr<ChipEngine> start(const Program& program, const std::vector<ChipObserver*>& observers = {},
                                      MxmObserver* mxm_observer = nullptr);
    // Runs `program` to completion. Throws ScheduleError (naming the chip) / InputError.
    RunStats run(const Program& program, const std::vector<ChipObserver*>& observers = {},
                 MxmObserver* mxm_observer = nullptr);

    // MACs done over MACs the planes could have done in the run's cycles.
    double mxm_utilisation(const RunStats& st) const;
    // Statistics as JSON (with an "sram_faults" section when faults were injected).
    std::string stats_json(const RunStats& st) const;
    // The "sram_faults" section: the fault parameters, the upsets expected in the whole SRAM over
    // the run (rate x stored bits x cycles; only those in words read are drawn), totals and
    // per-slice counters (slices the program read).
    std::string sram_faults_json(const RunStats& st) const;

private:
    friend class ChipEngine;
    // Writes the program's instruction blocks (their text), filled tensors (.fill) and .data rows into MEM,
    // as the image loader does before cycle 0.
    void load_blocks(const Program& program);
    void host_transfer(tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length);

    std::string name_;
    ChipSpec spec_;
    unsigned id_;
    QueueMap map_;
    std::unique_ptr<MemSystem> mem_;
    C2cPorts c2c_;
    HacClock hac_;
    std::unique_ptr<ProductWorker> products_;
};

}  // namespace lpu
