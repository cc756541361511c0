#include "gateway/client_identity.hpp"

#include "core/digest.hpp"

namespace gantry {

void assign_client_identifier(Exchange& ex, std::string_view subscription_id) {
  std::string identity =
      subscription_id.empty() ? sha256_hex(ex.remote.address().to_string()) : std::string(subscription_id);
  std::string given = header_or_query_param(ex, client_identifier_header, client_identifier_header);
  const bool blank = given.find_first_not_of(" \t") == std::string::npos;
  if (blank) {
    ex.client_identifier_header = identity;
    ex.client_identifier = std::move(identity);
    return;
  }
  ex.client_identifier = given.ends_with(identity) ? given : given + "-" + identity;
  ex.client_identifier_header = std::move(given);
}

}  // namespace gantry
