// What the repository stores: APIs with their deployments, plans, applications, subscriptions and API keys.
// Plain values; the management API owns the rules that move them between states.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gantry::storage {

using Millis = std::int64_t;  // milliseconds since the Unix epoch; 0 = not set

Millis now_millis();

struct ApiRecord {
  std::string id;
  std::string name;
  std::string definition;          // the v4 definition exactly as the user sent it (with its "id")
  std::vector<std::string> paths;  // "host path" pairs claimed by its HTTP listeners, for conflict checks
  std::string state = "STOPPED";   // STARTED | STOPPED
  std::string lifecycle_state = "CREATED";
  bool need_redeploy = true;  // the definition changed since the last deployment
  Millis created_at = 0, updated_at = 0, deployed_at = 0;
};

// An immutable snapshot of an API's definition, the unit the gateways serve.
struct DeploymentRecord {
  std::string id;
  std::string api_id;
  std::int64_t number = 0;  // 1, 2, ... per API
  std::string label;
  std::string definition;
  Millis created_at = 0;
};

// What the gateway must serve for one started API: its latest deployment.
struct DeployableApi {
  std::string api_id;
  std::string deployment_id;
  std::string definition;
};

struct PlanRecord {
  std::string id;
  std::string api_id;
  std::string name, description;
  std::string security_type;                  // KEY_LESS | API_KEY | OAUTH2 | JWT | MTLS ("" for PUSH plans)
  std::string security_configuration = "{}";  // JSON
  std::string validation = "AUTO";            // AUTO | MANUAL
  std::string mode = "STANDARD";              // STANDARD | PUSH
  std::string status = "STAGING";             // STAGING | PUBLISHED | DEPRECATED | CLOSED
  std::string extra = "{}";                   // JSON of the remaining fields (characteristics, flows, tags, ...)
  std::int64_t order = 0;
  Millis created_at = 0, updated_at = 0, published_at = 0, closed_at = 0;
};

struct ApplicationRecord {
  std::string id;
  std::string name, description;
  std::string status = "ACTIVE";
  std::string api_key_mode = "UNSPECIFIED";  // UNSPECIFIED | SHARED | EXCLUSIVE
  std::string extra = "{}";                  // JSON of the remaining fields (settings, domain, ...)
  Millis created_at = 0, updated_at = 0;
};

struct SubscriptionRecord {
  std::string id;
  std::string api_id, plan_id, application_id;
  std::string status = "PENDING";  // PENDING | ACCEPTED | PAUSED | REJECTED | CLOSED
  std::string consumer_message, publisher_message;
  std::string metadata = "{}";  // JSON object of strings
  // JSON object: consumerConfiguration as sent (push plans: the webhook's entrypointConfiguration), "{}" when none.
  std::string consumer_configuration = "{}";
  Millis created_at = 0, updated_at = 0, processed_at = 0, starting_at = 0, ending_at = 0, paused_at = 0,
         closed_at = 0;
};

struct ApiKeyRecord {
  std::string id;
  std::string key;
  std::string api_id, application_id, subscription_id;
  bool revoked = false;
  bool paused = false;
  Millis expire_at = 0;  // 0 = never
  Millis created_at = 0, updated_at = 0, revoked_at = 0;

  bool expired(Millis now) const { return expire_at != 0 && expire_at <= now; }
  // What the gateway will ask: may a request present this key right now?
  bool usable(Millis now) const { return !revoked && !paused && !expired(now); }
};

}  // namespace gantry::storage
