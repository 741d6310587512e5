// Which output elements poisoned vectors reached, under the poison policy (docs/link-errors.md):
// differential, with no taint bit in any unit. The run the session reports delivers each
// poisoned vector as the decoder left it; a second run from the same start (same seed, so the
// same vectors poisoned) delivers each one's bytes complemented. Every element of every tensor
// the chips' programs declare that differs between the two runs depends on poisoned data: it
// is reached. Not reported: an element whose dependence both runs mask alike (multiplied by
// zero, a comparison both values pass, bits shifted out), since it holds the same value.
#pragma once

#include "models/mem/MemImage.h"
#include "models/system/System.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

class PoisonReach {
public:
    // Indices of reached elements reported per tensor.
    static constexpr size_t kFirst = 8;

    // Before the run: keeps every local chip's SRAM (its inputs). `programs[chip]`: what a local
    // chip runs (null: nothing).
    PoisonReach(System& system, std::vector<const Program*> programs);
    ~PoisonReach();

    // After the run (its results in SRAM), on every rank: if any rank delivered a poisoned
    // vector, runs the system again from the kept start with poisoned vectors complemented and
    // compares every declared tensor of this rank's chips. SRAM is left as the first run left
    // it. A failure of the second run is kept (the first run's results stand).
    void compare(unsigned threads, RankExchange& exchange);

    // This rank's findings as wire bytes (per chip: index, JSON objects, report lines), for
    // rank 0 to join with join().
    std::string mine() const;
    // On rank 0, every rank's mine(): the "poison" section of the statistics and the report.
    void join(const std::vector<std::string>& parts);
    bool ran_again() const { return ran_again_; }
    const std::string& error() const { return error_; }
    // JSON array of {"chip", "tensor", "elements", "of", "first": [[row, col], ...]}, chip order.
    std::string json() const;
    // One line per reached tensor: "c1 b: 16 of 64 elements reached, first [3,0] [3,1] ...".
    std::string text() const;

private:
    struct Tensor {
        std::string name;
        NpyArray first;  // the reported run's
    };
    // Every tensor and matrix a chip's program declares (a matrix's column blocks as the matrix).
    static std::vector<std::string> declared(const Program& program, unsigned lanes);
    // The reached elements of one tensor, as a JSON object and a report line ("" when none).
    std::pair<std::string, std::string> reached(size_t chip, const std::string& name, const NpyArray& a,
                                                const NpyArray& b) const;
    NpyArray array(size_t chip, const std::string& name) const;

    System& system_;
    std::vector<const Program*> programs_;
    std::vector<std::unique_ptr<MemImage>> start_;            // per local chip
    std::vector<std::pair<std::string, std::string>> found_;  // this rank's, in chip order
    std::vector<size_t> found_chip_;
    std::vector<std::pair<std::string, std::string>> all_;  // rank 0: everyone's, in chip order
    bool ran_again_ = false;
    std::string error_;
};

}  // namespace lpu
