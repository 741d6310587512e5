// The chip: MEM slices, stream registers and MXM planes assembled from a config, running a
// statically scheduled Program cycle-exactly (docs/isa.md section 3). Execution is
// event-driven: it visits only cycles in which an instruction issues or a value lands, so its
// cost follows instructions executed and MACs computed, not cycles x positions x streams.
#pragma once

#include "chip/ChipObserver.h"
#include "chip/ChipParams.h"
#include "chip/RunStats.h"
#include "common/Config.h"
#include "icu/IcuParams.h"
#include "icu/Program.h"
#include "mem/MemSystem.h"
#include "mxm/MxmCore.h"
#include "mxm/MxmObserver.h"
#include "stream/StreamFile.h"
#include "stream/StreamParams.h"
#include "sxm/SxmSliceParams.h"
#include "vxm/VxmSliceParams.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace lpu {

class Chip : public sc_core::sc_module {
public:
    // Host side of the SRAM, for tools that load and dump tensors (bound to MemSystem inside).
    tlm_utils::simple_initiator_socket<Chip> host;

    Chip(sc_core::sc_module_name name, const Config& cfg);
    ~Chip() override;

    const QueueMap& queues() const { return map_; }
    MemSystem& mem() { return *mem_; }

    // Writes `bytes` (rows x lanes x element bytes, row-major, little-endian elements) into the
    // tensor's words as byte planes, through the host socket. Throws InputError.
    void load_tensor(const TensorDecl& t, const std::vector<uint8_t>& bytes);
    std::vector<uint8_t> dump_tensor(const TensorDecl& t);
    // The same for a matrix (rows x cols elements, row-major): split into its column blocks,
    // the lanes past cols zero-filled (rows past `rows` in a block are left as they are).
    void load_matrix(const Program& program, const MatrixDecl& m, const std::vector<uint8_t>& bytes);
    std::vector<uint8_t> dump_matrix(const Program& program, const MatrixDecl& m);

    // Runs `program` to completion (after writing its instruction blocks into MEM). Throws ScheduleError / InputError. `trace` (may be null)
    // receives Chrome trace-event JSON, one track per queue; `mxm_observer` (may be null) sees
    // every MXM instruction and result (co-simulation against the RTL); `observer` (may be
    // null) sees every issue and stream value (waveforms).
    RunStats run(const Program& program, std::ostream* trace, MxmObserver* mxm_observer = nullptr,
                 ChipObserver* observer = nullptr);

    // MACs done over MACs the planes could have done in the run's cycles.
    double mxm_utilisation(const RunStats& st) const;
    // Statistics as JSON.
    std::string stats_json(const RunStats& st) const;

private:
    struct QueueState;
    // Writes the program's instruction blocks (their text), filled tensors (.fill) and .data rows into MEM,
    // as the image loader does before cycle 0.
    void load_blocks(const Program& program);
    void host_transfer(tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length);

    Config cfg_;
    ChipParams chip_;
    MxmParams mxm_;
    MemParams memp_;
    StreamParams streamp_;
    IcuParams icu_;
    VxmSliceParams vxmp_;
    SxmSliceParams sxmp_;
    QueueMap map_;
    std::unique_ptr<MemSystem> mem_;
};

}  // namespace lpu
