#include "endpoints/mqtt5/connector.hpp"

#include "endpoints/mqtt5/durable_subscription.hpp"
#include "endpoints/mqtt5/engine_message.hpp"
#include "endpoints/mqtt5/mapping.hpp"

#include <spdlog/spdlog.h>

namespace gantry::mqtt5 {

namespace {

using boost::system::errc::make_error_code;
namespace errc = boost::system::errc;

// A live subscriber's place in the shared subscription. The member's callbacks run on the subscriber's executor
// and never after the member left (SharedSubscription::Member's own alive flag), so they may hold the sink.
class MemberSubscription final : public Subscription {
 public:
  MemberSubscription(SharedSubscription& shared, boost::asio::any_io_executor executor, MessageSink& sink)
      : sink_(sink),
        member_(shared.join(std::move(executor),
                            {[this](const MessagePtr& m) {
                               if (!ended_) sink_.on_message(m, ++next_ack_);
                             },
                             [this](const std::string& error) {
                               if (ended_) return;
                               ended_ = true;  // the broker may come back; this stream is over all the same
                               sink_.on_end(error);
                             },
                             [this] {
                               connected_ = true;
                               if (!ended_) sink_.on_connected();
                             },
                             [this](const std::string& error) {
                               connected_ = false;
                               if (!ended_) sink_.on_connect_failed(error);
                             }})) {
    connected_ = member_->joined_connected();
  }

  // A live MQTT subscription has nothing to pause, acknowledge or redeliver: the subscriber's queue drops the
  // oldest messages when its client is slow, as none/auto/at-most-once allow.
  void pause() override {}
  void resume() override {}
  void ack(std::uint64_t) override {}
  void nack(std::uint64_t) override {}
  bool connected() const override { return connected_; }

 private:
  MessageSink& sink_;
  bool connected_ = false;
  std::uint64_t next_ack_ = 0;
  bool ended_ = false;
  std::unique_ptr<SharedSubscription::Member> member_;  // last: leaves first
};

}  // namespace

ClientOptions client_options(const EndpointConfig& config) {
  ClientOptions o;
  o.host = config.server_host;
  o.port = config.server_port;
  o.username = config.username;
  o.password = config.password;
  o.tls = config.tls;
  o.reconnect_attempts = config.reconnect_attempts;
  o.reconnect_interval = config.reconnect_interval;
  return o;
}

Connector::Connector(std::string endpoint_name, std::shared_ptr<const EndpointConfig> config,
                     boost::asio::any_io_executor io, boost::asio::any_io_executor blocking)
    : name_(std::move(endpoint_name)), config_(std::move(config)), io_(std::move(io)), blocking_(std::move(blocking)) {
  if (config_->producer.enabled) {
    // Connected from deployment on, so that the first publish finds the broker ready (or promptly fails).
    ClientEvents events;
    events.on_connected = [name = name_, host = config_->server_host, port = config_->server_port](bool) {
      spdlog::info("mqtt5 endpoint '{}': producer connected to {}:{}", name, host, port);
    };
    events.on_connection_lost = [name = name_](const std::string& why) {
      spdlog::warn("mqtt5 endpoint '{}': producer lost its connection ({}); reconnecting", name, why);
    };
    events.on_failed = [name = name_](const std::string& why) {
      spdlog::error("mqtt5 endpoint '{}': broker unreachable ({}); publishes fail until it is back", name, why);
    };
    producer_ = Client::create(io_, blocking_, client_options(*config_), std::move(events));
    producer_->start();
  }
}

Connector::~Connector() { stop(); }

void Connector::stop() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  if (producer_) producer_->stop();
  for (auto& weak : shared_)
    if (auto shared = weak.lock()) shared->stop();
}

void Connector::publish(MessagePtr message, Qos qos, PublishCompletion done) {
  if (!producer_) return complete_publish(std::move(done), make_error_code(errc::operation_not_supported));
  send(config_->producer, std::move(message), qos, std::move(done));
}

namespace {

bool same_pem(const PemSource& a, const PemSource& b) { return a.path == b.path && a.content == b.content; }

// Whether two configurations make the same broker connection (what the endpoint's producer client was made from).
bool same_connection(const EndpointConfig& a, const EndpointConfig& b) {
  return a.server_host == b.server_host && a.server_port == b.server_port &&
         a.session_expiry_interval == b.session_expiry_interval && a.username == b.username &&
         a.password == b.password && a.tls.enabled == b.tls.enabled &&
         a.tls.hostname_verifier == b.tls.hostname_verifier && same_pem(a.tls.trust, b.tls.trust) &&
         same_pem(a.tls.cert, b.tls.cert) && same_pem(a.tls.key, b.tls.key) &&
         a.tls.key_password == b.tls.key_password && a.reconnect_attempts == b.reconnect_attempts &&
         a.reconnect_interval == b.reconnect_interval;
}

}  // namespace

void Connector::publish_with(PluginConfigPtr config, MessagePtr message, Qos qos, PublishCompletion done) {
  if (!config) return publish(std::move(message), qos, std::move(done));
  const auto& evaluated = static_cast<const EndpointConfig&>(*config);
  if (!producer_ || !evaluated.producer.enabled || !same_connection(*config_, evaluated)) {
    spdlog::warn("mqtt5 endpoint '{}': message not published: its dynamic configuration {}", name_,
                 !evaluated.producer.enabled ? "disables the producer"
                 : !producer_                ? "enables a producer the endpoint does not have"
                                             : "changes the broker connection, which only subscriptions can follow");
    return complete_publish(std::move(done), make_error_code(errc::operation_not_supported));
  }
  send(evaluated.producer, std::move(message), qos, std::move(done));
}

void Connector::send(const ProducerOptions& producer, MessagePtr message, Qos qos, PublishCompletion done) {
  std::string error;
  auto out = to_outgoing(producer, mqtt_qos(qos), message->content, message->headers, message->metadata,
                         message->attributes, error);
  if (!out) {
    spdlog::warn("mqtt5 endpoint '{}': message not published: {}", name_, error);
    return complete_publish(std::move(done), make_error_code(errc::invalid_argument));
  }
  producer_->publish(std::move(*out), PublishDone{std::move(done.executor), std::move(done.handler)});
}

std::shared_ptr<SharedSubscription> Connector::shared_subscription(int mqtt_qos) {
  std::lock_guard lock(mu_);
  if (stopped_) return nullptr;
  auto shared = shared_[mqtt_qos].lock();
  if (!shared) {
    shared = SharedSubscription::create(io_, blocking_, client_options(*config_), config_->consumer.topic, mqtt_qos);
    shared_[mqtt_qos] = shared;
  }
  return shared;
}

std::unique_ptr<Subscription> Connector::subscribe(const SubscribeRequest& request, MessageSink& sink) {
  if (request.config) {  // a configuration evaluated for this request: a client of its own
    const auto& evaluated = static_cast<const EndpointConfig&>(*request.config);
    if (!evaluated.consumer.enabled) return nullptr;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return nullptr;
    }
    if (request.qos == Qos::at_least_once) return open_durable_subscription(request, sink, evaluated, blocking_);
    auto own = SharedSubscription::create(io_, blocking_, client_options(evaluated), evaluated.consumer.topic,
                                          mqtt_qos(request.qos));
    if (!own) return nullptr;
    return std::make_unique<MemberSubscription>(*own, request.executor, sink);
  }
  if (!config_->consumer.enabled) return nullptr;
  if (request.qos == Qos::at_least_once) {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return nullptr;
    }
    return open_durable_subscription(request, sink, *config_, blocking_);
  }
  auto shared = shared_subscription(mqtt_qos(request.qos));
  if (!shared) return nullptr;
  return std::make_unique<MemberSubscription>(*shared, request.executor, sink);
}

}  // namespace gantry::mqtt5
