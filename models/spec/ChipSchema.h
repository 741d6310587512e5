// The full parameter schema of a chip description, assembled from each unit's declarations.
#pragma once

#include "models/common/Config.h"
#include "models/common/ParamSchema.h"

#include <string>

namespace lpu {

const ParamSchema& chip_schema();

// Loads and validates a chip config file against chip_schema(). Throws ConfigError.
Config load_chip_config(const std::string& path);

}  // namespace lpu
