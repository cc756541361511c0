#include "gateway/api_key.hpp"

namespace gantry {

std::string presented_api_key(const Exchange& ex) {
  return header_or_query_param(ex, "X-Gravitee-Api-Key", "api-key");
}

}  // namespace gantry
