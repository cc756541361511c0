// POSTs a message to one webhook subscription's callback URL, over the http-proxy endpoint's connection pool and
// TLS client (keep-alive, connect/read timeouts from the entrypoint's `http` options). Lives on one io thread.
#pragma once

#include "core/message/message.hpp"
#include "endpoints/http_proxy/upstream_pool.hpp"
#include "entrypoints/webhook/factory.hpp"
#include "entrypoints/webhook/subscription_config.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace gantry::webhook {

struct CallbackResult {
  int status = 0;     // the callback's HTTP status; 0 when none came (connection error, timeout)
  std::string error;  // why no status came
};

class CallbackClient {
 public:
  // Null with `error` set when the callback URL cannot be used.
  static std::unique_ptr<CallbackClient> create(const SubscriptionConfig& subscription, const WebhookConfig& options,
                                                std::string& error);
  CallbackClient(const CallbackClient&) = delete;
  CallbackClient& operator=(const CallbackClient&) = delete;

  // One POST: message headers, then the subscription's headers and Authorization; the content as body.
  boost::asio::awaitable<CallbackResult> post(const Message& message);

  // Aborts the request in flight (its post() returns a connection error) for good. Same thread.
  void cancel();

 private:
  CallbackClient(http_proxy::EndpointConfig config, std::string request_target, const SubscriptionConfig& sub);
  boost::asio::awaitable<CallbackResult> attempt(const Message& message, bool fresh, bool& retry_fresh);

  http_proxy::EndpointConfig config_;  // before pool_, which keeps a reference
  std::string request_target_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string authorization_;
  http_proxy::UpstreamPool pool_;
  http_proxy::UpstreamConnection* in_flight_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace gantry::webhook
