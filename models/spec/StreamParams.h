// Stream register counts (spec section 2: 32 eastbound and 32 westbound, each a vector wide).
#pragma once

namespace lpu {

class ParamNode;

struct StreamParams {
    unsigned east = 0;
    unsigned west = 0;

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static StreamParams read(ParamNode& n);
};

}  // namespace lpu
