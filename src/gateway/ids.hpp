// Request and transaction ids: random UUIDs (version 4), cheap enough to make one per request.
#pragma once

#include <string>

namespace gantry {

std::string new_uuid();

}  // namespace gantry
