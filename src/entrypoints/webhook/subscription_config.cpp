#include "entrypoints/webhook/subscription_config.hpp"

#include "core/json/object_reader.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace gantry::webhook {

namespace {

bool is_http_url(const std::string& url) {
  return (url.starts_with("http://") && url.size() > 7) || (url.starts_with("https://") && url.size() > 8);
}

// Gravitee's form writes headers as [{"name":..,"value":..}]; an object {"name": "value"} is accepted too.
void read_headers(ObjectReader& r, SubscriptionConfig& config) {
  const auto* headers = r.get("headers");
  if (headers == nullptr) return;
  const std::string path = r.path_of("headers");
  if (headers->is_object()) {
    for (const auto& [name, value] : headers->get_object()) {
      if (auto text = json_string(value, path_field(path, name), r.diag())) config.headers.emplace_back(name, *text);
    }
    return;
  }
  const auto* items = json_array(*headers, path, r.diag());
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader item((*items)[i], path_index(path, i), r.diag());
    auto name = item.string("name", true);
    auto value = item.string("value", true);
    if (name && value) config.headers.emplace_back(*name, *value);
  }
}

void read_auth(ObjectReader& r, CallbackAuth& auth) {
  const auto* value = r.get("auth");
  if (value == nullptr) return;
  ObjectReader a(*value, r.path_of("auth"), r.diag());
  const std::string type = a.string("type").value_or("none");
  if (type == "none") {
    auth.type = AuthType::none;
  } else if (type == "basic") {
    auth.type = AuthType::basic;
    if (const auto* basic = a.require("basic")) {
      ObjectReader b(*basic, a.path_of("basic"), r.diag());
      auth.username = b.string("username", true).value_or("");
      auth.password = b.string("password", true).value_or("");
    }
  } else if (type == "token") {
    auth.type = AuthType::token;
    if (const auto* token = a.require("token")) {
      ObjectReader t(*token, a.path_of("token"), r.diag());
      auth.token = t.string("value", true).value_or("");
    }
  } else {
    r.diag().error(a.path_of("type"),
                   "unsupported auth type '" + type + "' (supported: none, basic, token)");
  }
  a.accept({"oauth2"});
}

void read_retry(ObjectReader& r, RetryPolicy& retry) {
  const auto* value = r.get("retry");
  if (value == nullptr) return;
  ObjectReader o(*value, r.path_of("retry"), r.diag());
  if (auto option = o.string("retryOption")) {
    if (*option == "Retry On Fail") retry.enabled = true;
    else if (*option != "No Retry")
      r.diag().error(o.path_of("retryOption"),
                     "unknown retryOption '" + *option + "' (expected 'No Retry' or 'Retry On Fail')");
  }
  if (auto strategy = o.string("retryStrategy")) {
    if (*strategy == "LINEAR") retry.strategy = RetryStrategy::linear;
    else if (*strategy == "EXPONENTIAL") retry.strategy = RetryStrategy::exponential;
    else
      r.diag().error(o.path_of("retryStrategy"),
                     "unknown retryStrategy '" + *strategy + "' (expected LINEAR or EXPONENTIAL)");
  }
  o.read("maxAttempts", retry.max_attempts, 1);
  std::int64_t initial = retry.initial_delay.count(), max = retry.max_delay.count();
  o.read("initialDelaySeconds", initial, 1);
  o.read("maxDelaySeconds", max, 1);
  retry.initial_delay = std::chrono::seconds(initial);
  retry.max_delay = std::chrono::seconds(max);
  if (max < initial)
    r.diag().error(o.path_of("maxDelaySeconds"), "must be at least initialDelaySeconds (" + std::to_string(initial) +
                                                     ", got " + std::to_string(max) + ")");
}

}  // namespace

std::optional<SubscriptionConfig> parse_subscription_config(const boost::json::value& value, const std::string& path,
                                                            Diagnostics& diag) {
  const std::size_t errors_before = diag.error_count();
  SubscriptionConfig config;
  {
    ObjectReader r(value, path, diag);
    if (auto url = r.string("callbackUrl", true)) {
      if (is_http_url(*url)) config.callback_url = *url;
      else diag.error(r.path_of("callbackUrl"), "expected an http:// or https:// URL (got '" + *url + "')");
    }
    read_headers(r, config);
    read_auth(r, config.auth);
    read_retry(r, config.retry);
  }
  if (diag.error_count() != errors_before) return std::nullopt;
  return config;
}

std::chrono::seconds retry_delay(const RetryPolicy& policy, int retry) {
  const std::int64_t initial = policy.initial_delay.count(), cap = policy.max_delay.count();
  std::int64_t delay = initial;
  for (int i = 1; i < retry && delay < cap; ++i)
    delay = policy.strategy == RetryStrategy::linear ? delay + initial : delay * 2;
  return std::chrono::seconds(std::min(delay, cap));
}

std::string authorization_header(const CallbackAuth& auth) {
  switch (auth.type) {
    case AuthType::none: return {};
    case AuthType::token: return "Bearer " + auth.token;
    case AuthType::basic: {
      const std::string plain = auth.username + ":" + auth.password;
      std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
      const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                    reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
      encoded.resize(static_cast<std::size_t>(n));
      return "Basic " + encoded;
    }
  }
  return {};
}

}  // namespace gantry::webhook
