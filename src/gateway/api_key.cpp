#include "gateway/api_key.hpp"

#include <boost/url/parse_query.hpp>

namespace gantry {

std::string presented_api_key(const Exchange& ex) {
  const auto header = ex.parser.get()["X-Gravitee-Api-Key"];
  if (!header.empty()) return std::string(header);
  if (ex.query.empty()) return {};
  auto params = boost::urls::parse_query(ex.query);
  if (!params) return {};
  for (auto param : *params)
    if (param.has_value && param.key == "api-key") return param.value.decode();
  return {};
}

}  // namespace gantry
