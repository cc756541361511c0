// API keys of subscriptions to API_KEY plans: values from the CSPRNG or chosen by the user, renewal, revocation.
#pragma once

#include "management/context.hpp"

#include <optional>
#include <string>

namespace gantry::management {

// 32 characters of URL-safe base64 over 24 bytes from OpenSSL's CSPRNG.
std::string generate_api_key();

// Issues a key to `sub`: the custom value, else the key the application already uses when its apiKeyMode is
// SHARED, else a generated one. A custom value must be 8 to 64 characters without spaces or
// any of #%@/;=?|^~, and must not be another application's key on the same API (ApiError 400 otherwise).
storage::ApiKeyRecord issue_api_key(const Context& ctx, const storage::SubscriptionRecord& sub,
                                    const std::optional<std::string>& custom, std::string_view json_path);

// A renewal issues a new key; the previous ones stay valid for this long so clients can switch over.
constexpr storage::Millis kRenewalGraceMillis = 2 * 3600 * 1000;

}  // namespace gantry::management
