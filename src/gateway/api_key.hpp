// The API key a client presented (CONTRACT.md: header X-Gravitee-Api-Key, else query parameter api-key).
#pragma once

#include "gateway/exchange.hpp"

#include <string>

namespace gantry {

// "" when the request carries none.
std::string presented_api_key(const Exchange& ex);

}  // namespace gantry
