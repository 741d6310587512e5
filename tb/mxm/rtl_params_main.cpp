// lpusim-rtl-params: the build step that turns a chip config into the MXM RTL's Verilator
// parameters, so the RTL is parameterised from the same YAML (and the same validation) as
// the model. Writes one "-GNAME=VALUE" per line, for `verilator -f`.
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MxmParams.h"

#include <iostream>
#include <string>

int main(int argc, char* argv[])
{
    if (argc != 3) {
        std::cerr << "usage: lpusim-rtl-params CONFIG OUT.vc\n";
        return 2;
    }
    try {
        const lpu::MxmParams p = lpu::load_chip_spec(argv[1]).mxm;
        std::string text;
        for (const auto& [name, value] : p.rtl_parameters())
            text += "-G" + name + "=" + std::to_string(value) + "\n";
        lpu::write_file_atomic(argv[2], text);
    } catch (const std::exception& e) {
        std::cerr << "lpusim-rtl-params: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
