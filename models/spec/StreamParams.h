// Stream register counts (spec section 2: 32 eastbound and 32 westbound, each a vector wide).
#pragma once

namespace lpu {

class Config;
class ParamSchema;

struct StreamParams {
    unsigned east = 0;
    unsigned west = 0;

    static void declare(ParamSchema& schema);
    static StreamParams from_config(const Config& cfg);
};

}  // namespace lpu
