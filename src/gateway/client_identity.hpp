// Gravitee's client identifier for message APIs: who the client is to the endpoints (a Kafka consumer group is
// named after it), so that a client's successive requests (http-get pages, reconnecting streams) continue where the
// previous one stopped.
#pragma once

#include "gateway/exchange.hpp"

#include <string>
#include <string_view>

namespace gantry {

inline constexpr std::string_view client_identifier_header = "X-Gravitee-Client-Identifier";

// Sets ex.client_identifier and ex.client_identifier_header. The identity is the subscription the client came
// through (`subscription_id`, "" for none) or else a SHA-256 of its address. A client may name itself with the
// X-Gravitee-Client-Identifier header (or query parameter): that name is echoed back, and prefixed to the identity
// (unless it already ends with it) so that a client cannot take over another one's position by naming it.
void assign_client_identifier(Exchange& ex, std::string_view subscription_id);

}  // namespace gantry
