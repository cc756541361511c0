#include "management/api_keys.hpp"

#include "gateway/ids.hpp"
#include "management/api_error.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace gantry::management {

std::string generate_api_key() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("the CSPRNG failed");
  unsigned char encoded[33];
  EVP_EncodeBlock(encoded, bytes, sizeof bytes);
  std::string key(reinterpret_cast<const char*>(encoded), 32);
  for (auto& ch : key) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  return key;
}

namespace {

// An application in SHARED mode presents one key to every API it subscribes to: the value of its live key, if any.
std::optional<std::string> shared_key(const Context& ctx, const storage::SubscriptionRecord& sub) {
  auto app = ctx.repository.find_application(sub.application_id);
  if (!app || app->api_key_mode != "SHARED") return std::nullopt;
  for (const auto& other : ctx.repository.list_application_subscriptions(app->id)) {
    if (other.id == sub.id) continue;
    for (const auto& key : ctx.repository.list_api_keys(other.id))
      if (!key.revoked && !key.expired(storage::now_millis())) return key.key;
  }
  return std::nullopt;
}

}  // namespace

storage::ApiKeyRecord issue_api_key(const Context& ctx, const storage::SubscriptionRecord& sub,
                                    const std::optional<std::string>& custom, std::string_view json_path) {
  std::string value;
  if (custom) {
    auto refuse = [&](const std::string& why) {
      return bad_request("Invalid custom API key", "apiKey.invalid", {{std::string(json_path), why}});
    };
    if (custom->size() < 8 || custom->size() > 64) throw refuse("must be 8 to 64 characters long");
    if (custom->find_first_of(" \t#%@/;=?|^~,\\") != std::string::npos)
      throw refuse("must not contain spaces or any of #%@/;=?|^~,\\");
    if (auto existing = ctx.repository.find_api_key(sub.api_id, *custom);
        existing && existing->application_id != sub.application_id)
      throw refuse("is already used by another application on this API");
    value = *custom;
  } else if (auto shared = shared_key(ctx, sub)) {
    value = *shared;
  } else {
    value = generate_api_key();
  }
  storage::ApiKeyRecord key;
  key.id = new_uuid();
  key.key = std::move(value);
  key.api_id = sub.api_id;
  key.application_id = sub.application_id;
  key.subscription_id = sub.id;
  key.paused = sub.status != "ACCEPTED";  // a pending subscription's key works once it is accepted
  key.expire_at = sub.ending_at;
  key.created_at = key.updated_at = storage::now_millis();
  ctx.repository.save_api_key(key);
  return key;
}

}  // namespace gantry::management
