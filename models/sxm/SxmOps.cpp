#include "SxmOps.h"

#include "models/common/Error.h"

namespace lpu {

void sxm_apply(const SxmOp& op, const uint8_t* const* in, uint8_t* const* out, unsigned lanes,
               unsigned lanes_per_superlane)
{
    op.validate(lanes, lanes_per_superlane);
    const size_t L = lanes, G = lanes_per_superlane;
    // Every result is built in `res` first, so outputs may alias inputs.
    std::vector<uint8_t> res(static_cast<size_t>(op.outputs(lanes_per_superlane)) * L, 0);
    const size_t n = op.n;
    const uint8_t* x = in[0];
    switch (op.kind) {
    case SxmOp::Kind::ShiftUp:
        for (size_t l = n; l < L; ++l)
            res[l] = x[l - n];
        break;
    case SxmOp::Kind::ShiftDown:
        for (size_t l = 0; l + n < L; ++l)
            res[l] = x[l + n];
        break;
    case SxmOp::Kind::Rotate:
        for (size_t l = 0; l < L; ++l)
            res[(l + n) % L] = x[l];
        break;
    case SxmOp::Kind::Broadcast:
        for (size_t l = 0; l < L; ++l)
            res[l] = x[n];
        break;
    case SxmOp::Kind::Permute:
        for (size_t l = 0; l < L; ++l) {
            const size_t src = static_cast<size_t>(in[1][l]) | static_cast<size_t>(in[2][l]) << 8;
            res[l] = src < L ? x[src] : 0;
        }
        break;
    case SxmOp::Kind::Distribute:
        for (size_t l = 0; l < L; ++l)
            res[l] = x[l / G * G + in[1][l] % G];
        break;
    case SxmOp::Kind::Select:
        for (size_t l = 0; l < L; ++l)
            res[l] = in[0][l] != 0 ? in[1][l] : in[2][l];
        break;
    case SxmOp::Kind::Transpose:
        // Output j, lane s*G + i  =  input i, lane s*G + j.
        for (size_t j = 0; j < G; ++j)
            for (size_t base = 0; base < L; base += G)
                for (size_t i = 0; i < G; ++i)
                    res[j * L + base + i] = in[i][base + j];
        break;
    }
    for (size_t o = 0; o < op.outputs(lanes_per_superlane); ++o)
        for (size_t l = 0; l < L; ++l)
            out[o][l] = res[o * L + l];
}

std::vector<std::vector<uint8_t>> sxm_apply(const SxmOp& op, const std::vector<std::vector<uint8_t>>& in,
                                            unsigned lanes, unsigned lanes_per_superlane)
{
    op.validate(lanes, lanes_per_superlane);
    if (in.size() != op.inputs(lanes_per_superlane))
        throw InputError("'" + op.disasm() + "': expected " + std::to_string(op.inputs(lanes_per_superlane)) +
                         " input vectors, got " + std::to_string(in.size()));
    std::vector<const uint8_t*> ip;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i].size() != lanes)
            throw InputError("'" + op.disasm() + "': input vector " + std::to_string(i) + " has " +
                             std::to_string(in[i].size()) + " bytes, expected " + std::to_string(lanes));
        ip.push_back(in[i].data());
    }
    std::vector<std::vector<uint8_t>> out(op.outputs(lanes_per_superlane), std::vector<uint8_t>(lanes));
    std::vector<uint8_t*> outp;
    for (auto& v : out)
        outp.push_back(v.data());
    sxm_apply(op, ip.data(), outp.data(), lanes, lanes_per_superlane);
    return out;
}

}  // namespace lpu
