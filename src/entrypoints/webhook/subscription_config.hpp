// A webhook subscription's consumerConfiguration.entrypointConfiguration (Gravitee's shape), parsed once when the
// subscription is created or loaded, so that a delivery loop never re-reads JSON.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry {
class Diagnostics;
}

namespace gantry::webhook {

enum class AuthType { none, basic, token };
enum class RetryStrategy { linear, exponential };

struct CallbackAuth {
  AuthType type = AuthType::none;
  std::string username, password;  // basic
  std::string token;               // token: sent as "Authorization: Bearer <token>"
};

// "No Retry" (Gravitee's default) means one attempt, then the failure policy applies at once.
struct RetryPolicy {
  bool enabled = false;  // retryOption: "No Retry" | "Retry On Fail"
  RetryStrategy strategy = RetryStrategy::linear;
  int max_attempts = 5;  // retries after the first attempt
  std::chrono::seconds initial_delay{1};
  std::chrono::seconds max_delay{30};
};

struct SubscriptionConfig {
  std::string callback_url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // in the order written
  CallbackAuth auth;
  RetryPolicy retry;
};

// Reads `value` (the entrypointConfiguration object) reporting every problem at its JSON path under `path`;
// returns nothing when there is an error.
std::optional<SubscriptionConfig> parse_subscription_config(const boost::json::value& value, const std::string& path,
                                                            Diagnostics& diag);

// The wait before retry number `retry` (1 = the first retry): LINEAR grows by initialDelay per retry,
// EXPONENTIAL doubles from initialDelay; both are capped at maxDelay.
std::chrono::seconds retry_delay(const RetryPolicy& policy, int retry);

// The value of the Authorization header for `auth`, or "" when none is sent.
std::string authorization_header(const CallbackAuth& auth);

}  // namespace gantry::webhook
