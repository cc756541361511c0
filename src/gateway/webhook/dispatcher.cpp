#include "gateway/webhook/dispatcher.hpp"

#include "core/json/diagnostics.hpp"
#include "gateway/message/message_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

namespace gantry {

struct WebhookDispatcher::Wanted {
  std::shared_ptr<MessageApi> api;
  const Entrypoint* entrypoint;
  storage::SubscriptionRecord record;
};

namespace {

const Entrypoint* webhook_entrypoint(const ApiDefinition& def) {
  for (const auto& listener : def.listeners) {
    if (listener.type != ListenerType::subscription) continue;
    for (const auto& entrypoint : listener.entrypoints)
      if (entrypoint.type == "webhook") return &entrypoint;
  }
  return nullptr;
}

// The stored consumerConfiguration's entrypointConfiguration, parsed; problems are logged.
std::optional<webhook::SubscriptionConfig> parse_stored(const storage::SubscriptionRecord& sub) {
  boost::system::error_code ec;
  auto value = boost::json::parse(sub.consumer_configuration, ec);
  const boost::json::value* config = nullptr;
  if (!ec && value.is_object()) config = value.as_object().if_contains("entrypointConfiguration");
  if (!config) {
    spdlog::error("webhook subscription {}: no consumerConfiguration.entrypointConfiguration; not delivering",
                  sub.id);
    return std::nullopt;
  }
  Diagnostics diag;
  auto parsed = webhook::parse_subscription_config(*config, "$.consumerConfiguration.entrypointConfiguration", diag);
  if (!parsed) {
    std::string problems;
    for (const auto& p : diag.problems()) problems += "\n  " + p.path + ": " + p.message;
    spdlog::error("webhook subscription {}: invalid configuration; not delivering:{}", sub.id, problems);
  }
  return parsed;
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(storage::Repository& repository, boost::asio::io_context& control)
    : repository_(repository), control_(control), thread_([this] { deliveries_.run(); }) {}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::stop() {
  *alive_ = false;
  for (auto it = loops_.begin(); it != loops_.end();) end_loop(it++);
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::reconcile(const GatewaySnapshot& snapshot) {
  if (!*alive_) return;
  std::map<std::string, Wanted> wanted;
  const auto now = storage::now_millis();
  for (const auto& deployed : snapshot.apis) {
    if (!deployed->message) continue;
    const auto* entrypoint = webhook_entrypoint(*deployed->definition);
    if (!entrypoint) continue;
    for (auto& sub : repository_.active_subscriptions(deployed->definition->id, now)) {
      if (sub.status != "ACCEPTED") continue;
      std::string id = sub.id;  // not wanted[sub.id] = ...std::move(sub): the right side runs first
      wanted[id] = Wanted{deployed->message, entrypoint, std::move(sub)};
    }
  }
  for (auto it = loops_.begin(); it != loops_.end();) {
    auto w = wanted.find(it->first);
    const bool same = w != wanted.end() && w->second.api.get() == it->second.api &&
                      w->second.record.consumer_configuration == it->second.configuration &&
                      w->second.record.updated_at == it->second.updated_at;
    if (same) ++it;
    else end_loop(it++);
  }
  for (const auto& [id, w] : wanted)
    if (!loops_.contains(id)) start_loop(id, w);
  for (auto& [id, running] : loops_) log_figures(id, running, false);
}

void WebhookDispatcher::start_loop(const std::string& id, const Wanted& wanted) {
  Running running;
  running.api = wanted.api.get();
  running.configuration = wanted.record.consumer_configuration;
  running.updated_at = wanted.record.updated_at;
  if (auto config = parse_stored(wanted.record)) {
    const std::string url = config->callback_url;
    DeliveryLoop::Setup setup{id, wanted.api, wanted.entrypoint, std::move(*config),
                              subscription_info(wanted.record), nullptr};
    // Posted to the control thread, where the repository may be used; ignored once the dispatcher is gone.
    setup.on_exhausted = [this, alive = alive_, id](std::string reason) {
      boost::asio::post(control_, [this, alive, id, reason = std::move(reason)] {
        if (*alive) pause_subscription(id, reason);
      });
    };
    running.loop = std::make_shared<DeliveryLoop>(deliveries_.get_executor(), std::move(setup));
    running.loop->start();
    spdlog::info("webhook subscription {} (API {}): delivering to {}", id, wanted.api->definition().id, url);
  }
  loops_.emplace(id, std::move(running));
}

void WebhookDispatcher::end_loop(std::map<std::string, Running>::iterator it) {
  if (it->second.loop) {
    it->second.loop->stop();
    log_figures(it->first, it->second, true);
    spdlog::info("webhook subscription {}: delivery stopped", it->first);
    // The loop's sockets and timers belong to the delivery thread: let the last reference go there.
    boost::asio::post(deliveries_, [loop = std::move(it->second.loop)] {});
  }
  loops_.erase(it);
}

void WebhookDispatcher::pause_subscription(const std::string& id, const std::string& reason) {
  try {
    auto sub = repository_.find_subscription(id);
    if (!sub || sub->status != "ACCEPTED") return;  // closed or paused meanwhile
    const auto now = storage::now_millis();
    sub->status = "PAUSED";
    sub->paused_at = now;
    sub->updated_at = now;
    repository_.save_subscription(*sub);
    spdlog::warn("webhook subscription {}: PAUSED ({}); resume it through the management API", id, reason);
  } catch (const storage::StorageError& e) {
    spdlog::error("webhook subscription {}: could not pause it ({}): {}", id, reason, e.what());
  }
  auto it = loops_.find(id);
  if (it != loops_.end()) end_loop(it);
}

void WebhookDispatcher::log_figures(const std::string& id, Running& running, bool force) {
  if (!running.loop) return;
  const auto& c = running.loop->counters();
  std::string figures = fmt::format("delivered={} retried={} failed={} dlq={} dropped={}", c.delivered.load(),
                                    c.retried.load(), c.failed.load(), c.dlq.load(), c.dropped.load());
  const auto now = std::chrono::steady_clock::now();
  if (figures == running.logged || (!force && now - running.logged_at < std::chrono::seconds(1))) return;
  spdlog::info("webhook subscription {}: {}", id, figures);
  running.logged = std::move(figures);
  running.logged_at = now;
}

}  // namespace gantry
