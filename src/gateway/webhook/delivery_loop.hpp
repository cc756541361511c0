// The delivery of one webhook subscription: a durable Subscriber of the API's endpoint whose messages are POSTed
// one at a time to the subscription's callback, with its retry policy, dead-letter queue and pause on failure.
// Runs on one io thread; started and stopped by the WebhookDispatcher.
#pragma once

#include "entrypoints/webhook/callback_client.hpp"
#include "entrypoints/webhook/factory.hpp"
#include "entrypoints/webhook/subscription_config.hpp"
#include "gateway/message/message_api.hpp"
#include "gateway/message/subscriber.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace gantry {

// Read by the dispatcher (control thread) to log them; written by the loop.
struct DeliveryCounters {
  std::atomic<std::uint64_t> delivered{0};  // 2xx received
  std::atomic<std::uint64_t> retried{0};    // retries sent after a 5xx, a timeout or a connection error
  std::atomic<std::uint64_t> failed{0};     // retries exhausted (the subscription was paused)
  std::atomic<std::uint64_t> dlq{0};        // 4xx answers sent to the dlq endpoint
  std::atomic<std::uint64_t> dropped{0};    // 4xx answers without a dlq (or a failed dlq publish)
};

class DeliveryLoop : public std::enable_shared_from_this<DeliveryLoop> {
 public:
  struct Setup {
    std::string subscription_id;
    std::shared_ptr<MessageApi> api;  // kept alive while the loop runs
    const Entrypoint* entrypoint;     // the webhook entrypoint, inside api's definition
    webhook::SubscriptionConfig config;
    std::shared_ptr<const SubscriptionInfo> subscription;  // what subscribe-phase policies see as #subscription
    // Called on the loop's thread when retries are exhausted (the dispatcher pauses the subscription).
    std::function<void(std::string reason)> on_exhausted;
  };

  DeliveryLoop(boost::asio::any_io_executor executor, Setup setup);

  void start();  // spawns the loop on its executor
  void stop();   // from any thread: ends the loop soon (a callback in flight is aborted)

  const DeliveryCounters& counters() const { return counters_; }
  const std::string& subscription_id() const { return setup_.subscription_id; }

 private:
  enum class Outcome { acknowledged, exhausted, stopped };
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<Outcome> deliver(const Delivery& delivery);
  boost::asio::awaitable<void> reject(const Delivery& delivery, int status);
  void halt();  // on the loop's thread

  boost::asio::any_io_executor executor_;
  Setup setup_;
  const webhook::WebhookConfig& options_;
  MessageContext ctx_;
  boost::asio::steady_timer retry_timer_;
  std::unique_ptr<webhook::CallbackClient> client_;
  Subscriber* subscriber_ = nullptr;  // while run() holds one
  bool stopped_ = false;
  DeliveryCounters counters_;
};

}  // namespace gantry
