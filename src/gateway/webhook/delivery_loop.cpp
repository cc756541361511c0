#include "gateway/webhook/delivery_loop.hpp"

#include "core/message/endpoint_connector.hpp"
#include "gateway/message/endpoint_config.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace gantry {
namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

const webhook::WebhookConfig& options_of(const Entrypoint& entrypoint) {
  static const webhook::WebhookConfig defaults;
  auto* config = dynamic_cast<const webhook::WebhookConfig*>(entrypoint.config.get());
  return config ? *config : defaults;
}

}  // namespace

DeliveryLoop::DeliveryLoop(asio::any_io_executor executor, Setup setup)
    : executor_(executor),
      setup_(std::move(setup)),
      options_(options_of(*setup_.entrypoint)),
      ctx_(setup_.api->context(*setup_.entrypoint)),
      retry_timer_(executor) {}

void DeliveryLoop::start() { asio::co_spawn(executor_, [self = shared_from_this()] { return self->run(); }, asio::detached); }

void DeliveryLoop::stop() {
  asio::post(executor_, [self = shared_from_this()] { self->halt(); });
}

void DeliveryLoop::halt() {
  stopped_ = true;
  retry_timer_.cancel();
  if (subscriber_) subscriber_->stop("subscription delivery stopped");
  if (client_) client_->cancel();
}

asio::awaitable<void> DeliveryLoop::run() {
  const auto self = shared_from_this();  // halt() may be posted until the end
  const auto& id = setup_.subscription_id;
  std::string error;
  client_ = webhook::CallbackClient::create(setup_.config, options_, error);
  if (!client_) {
    spdlog::error("webhook subscription {}: cannot call back {}: {}", id, setup_.config.callback_url, error);
    co_return;
  }
  // The API's subscribe-phase flows run on every message before it is POSTed.
  MessagePhaseRun phases(setup_.api->phase_chain(), setup_.subscription);
  if (!phases.open_without_request(error)) {
    spdlog::error("webhook subscription {}: {}", id, error);
    co_return;
  }
  ctx_.phases = setup_.api->phase_chain().flows() ? &phases : nullptr;
  // No request opens a webhook subscription: its endpoint's expressions see #subscription, #request is null.
  static const el::Map no_properties;
  ExchangeEndpointConfig endpoint_config(nullptr, ctx_.phases, no_properties, setup_.api->definition().id);
  ctx_.endpoint_config = &endpoint_config;
  Subscriber subscriber(executor_, ctx_);
  subscriber_ = &subscriber;
  auto registration = ctx_.streams.enter(executor_, [this] { halt(); });  // the API stopping ends the loop
  if (!registration || stopped_ || !subscriber.open("", 0, id)) {
    subscriber_ = nullptr;
    if (registration && !stopped_) spdlog::error("webhook subscription {}: the endpoint cannot subscribe", id);
    ctx_.phases = nullptr;
    ctx_.endpoint_config = nullptr;
    co_return;
  }
  for (;;) {
    auto next = co_await subscriber.next(std::chrono::milliseconds(0));
    if (next.event == SubscriberQueue::Event::timeout) continue;
    if (next.event == SubscriberQueue::Event::end) break;
    const Outcome outcome = co_await deliver(next.delivery);
    if (outcome == Outcome::acknowledged) {
      subscriber.delivered(next.delivery);
      continue;
    }
    subscriber.undelivered(next.delivery);
    if (outcome == Outcome::exhausted) {
      ++counters_.failed;
      if (setup_.on_exhausted) setup_.on_exhausted("callback failed after all retries");
    }
    break;
  }
  if (!subscriber.aborted() && !subscriber.end_reason().empty())
    spdlog::warn("webhook subscription {}: the endpoint ended the subscription: {}", id, subscriber.end_reason());
  subscriber_ = nullptr;
  ctx_.phases = nullptr;  // `phases` ends with this frame
  ctx_.endpoint_config = nullptr;
}

asio::awaitable<DeliveryLoop::Outcome> DeliveryLoop::deliver(const Delivery& delivery) {
  const auto& retry = setup_.config.retry;
  const int max_retries = retry.enabled ? retry.max_attempts : 0;
  for (int retries = 0;; ++retries) {
    if (stopped_) co_return Outcome::stopped;
    const webhook::CallbackResult result = co_await client_->post(*delivery.message);
    if (stopped_) co_return Outcome::stopped;
    if (result.status >= 200 && result.status < 300) {
      ++counters_.delivered;
      co_return Outcome::acknowledged;
    }
    // 4xx: the callback refuses this message; sending it again would not help. Anything else without a 2xx
    // (5xx, no answer, and the odd 1xx/3xx) is a failure of the receiver, worth retrying.
    if (result.status >= 400 && result.status < 500) {
      co_await reject(delivery, result.status);
      co_return Outcome::acknowledged;
    }
    const std::string why = result.status ? "answered " + std::to_string(result.status) : result.error;
    if (retries >= max_retries) {
      spdlog::warn("webhook subscription {}: callback {} {}; no retry left ({} made), pausing the subscription",
                   setup_.subscription_id, setup_.config.callback_url, why, retries);
      co_return Outcome::exhausted;
    }
    const auto delay = webhook::retry_delay(retry, retries + 1);
    spdlog::info("webhook subscription {}: callback {} {}; retry {}/{} in {}s", setup_.subscription_id,
                 setup_.config.callback_url, why, retries + 1, max_retries, delay.count());
    ++counters_.retried;
    retry_timer_.expires_after(delay);
    auto [ec] = co_await retry_timer_.async_wait(use_tuple);
    (void)ec;  // cancelled: stopped_ says so at the top of the loop
  }
}

asio::awaitable<void> DeliveryLoop::reject(const Delivery& delivery, int status) {
  auto* dlq = setup_.api->dlq_endpoint(*setup_.entrypoint);
  if (!dlq) {
    ++counters_.dropped;
    spdlog::warn("webhook subscription {}: callback answered {}; message {} dropped (no dlq)", setup_.subscription_id,
                 status, delivery.message->id);
    co_return;
  }
  auto message = delivery.message;
  auto [ec] = co_await async_publish(*dlq, std::move(message), ctx_.entrypoint.qos, use_tuple);
  if (ec) {
    ++counters_.dropped;
    spdlog::warn("webhook subscription {}: callback answered {}; the dlq refused message {}: {}",
                 setup_.subscription_id, status, delivery.message->id, ec.message());
    co_return;
  }
  ++counters_.dlq;
}

}  // namespace gantry
