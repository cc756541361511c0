#include "endpoints/kafka/connector.hpp"

#include "core/message/failed_subscription.hpp"
#include "endpoints/kafka/blocking.hpp"
#include "endpoints/kafka/subscriptions.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace gantry::kafka {

namespace asio = boost::asio;

asio::thread_pool& blocking_pool() {
  static asio::thread_pool pool(2);
  return pool;
}

std::atomic<int>& blocking_work_pending() {
  static std::atomic<int> pending{0};
  return pending;
}

bool finish_blocking_work(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (blocking_work_pending().load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

namespace {

const std::string* attribute(const Message& m, std::string_view name) {
  for (const auto& [k, v] : m.attributes)
    if (k == name) return &v;
  return nullptr;
}

// Completes one publish once every topic it went to has answered; the first error wins. The delivery handlers run
// on the publisher's executor, but nothing here assumes it is single-threaded.
struct FanIn {
  explicit FanIn(std::size_t n, PublishCompletion d) : left(n), done(std::move(d)) {}
  std::atomic<std::size_t> left;
  std::mutex mutex;
  boost::system::error_code first;
  PublishCompletion done;

  void one(boost::system::error_code ec) {
    {
      std::lock_guard lock(mutex);
      if (ec && !first) first = ec;
    }
    if (left.fetch_sub(1) != 1) return;
    std::move(done.handler)(first);
  }
};

}  // namespace

KafkaConnector::KafkaConnector(std::string endpoint_name, std::shared_ptr<const EndpointConfig> config)
    : name_(std::move(endpoint_name)), config_(std::move(config)) {
  deployed_settings_ = client_properties(*config_, Role::producer);
}

KafkaConnector::~KafkaConnector() { stop(); }

void KafkaConnector::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  // Its destructor flushes (bounded) and joins librdkafka's threads: not on the caller's (io) thread.
  if (producer_) post_blocking([p = std::move(producer_)]() mutable { p.reset(); });
  for (auto& e : evaluated_producers_) post_blocking([p = std::move(e.producer)]() mutable { p.reset(); });
  evaluated_producers_.clear();
}

std::shared_ptr<Producer> KafkaConnector::producer_for(const EndpointConfig& evaluated) {
  Properties settings = client_properties(evaluated, Role::producer);
  if (settings == deployed_settings_) return producer();
  std::lock_guard lock(mutex_);
  if (stopped_) return nullptr;
  for (auto& e : evaluated_producers_)
    if (e.settings == settings) {
      e.last_use = ++uses_;
      return e.producer;
    }
  std::string error;
  std::shared_ptr<Producer> made = Producer::create(evaluated, &error);
  if (!made) {
    spdlog::error("kafka endpoint '{}': cannot create a producer for a dynamic configuration: {}", name_, error);
    return nullptr;
  }
  if (evaluated_producers_.size() >= max_evaluated_producers) {
    auto oldest = std::min_element(evaluated_producers_.begin(), evaluated_producers_.end(),
                                   [](const auto& a, const auto& b) { return a.last_use < b.last_use; });
    // Publishes still using it hold their own reference; its deliveries complete before it goes.
    post_blocking([p = std::move(oldest->producer)]() mutable { p.reset(); });
    evaluated_producers_.erase(oldest);
  }
  evaluated_producers_.push_back({std::move(settings), made, ++uses_});
  return made;
}

std::shared_ptr<Producer> KafkaConnector::producer() {
  std::lock_guard lock(mutex_);
  if (producer_ || stopped_) return producer_;
  std::string error;
  producer_ = Producer::create(*config_, &error);
  if (!producer_) spdlog::error("kafka endpoint '{}': cannot create a producer: {}", name_, error);
  return producer_;
}

void KafkaConnector::publish(gantry::MessagePtr message, Qos qos, PublishCompletion done) {
  if (!config_->producer.enabled) {
    spdlog::warn("kafka endpoint '{}': a message was published but the producer is not enabled", name_);
    return complete_publish(std::move(done), KafkaErrc::broker_error);
  }
  auto p = producer();
  if (!p) return complete_publish(std::move(done), KafkaErrc::shutting_down);
  send(*config_, p, std::move(message), qos, std::move(done));
}

void KafkaConnector::publish_with(PluginConfigPtr config, gantry::MessagePtr message, Qos qos,
                                  PublishCompletion done) {
  if (!config) return publish(std::move(message), qos, std::move(done));
  const auto& evaluated = static_cast<const EndpointConfig&>(*config);
  if (!evaluated.producer.enabled) {
    spdlog::warn("kafka endpoint '{}': a message was published but the producer is not enabled", name_);
    return complete_publish(std::move(done), KafkaErrc::broker_error);
  }
  auto p = producer_for(evaluated);
  if (!p) return complete_publish(std::move(done), KafkaErrc::shutting_down);
  send(evaluated, p, std::move(message), qos, std::move(done));
}

void KafkaConnector::send(const EndpointConfig& config, const std::shared_ptr<Producer>& p,
                          gantry::MessagePtr message, Qos qos, PublishCompletion done) {
  const std::string* topics_override = attribute(*message, producer_topics_attribute);
  if (!topics_override) topics_override = attribute(*message, topics_attribute);
  std::vector<std::string> topics =
      topics_override ? split_attribute_list(*topics_override) : config.producer.topics;
  if (topics.empty()) topics = config.producer.topics;
  OutgoingRecord record;
  if (const auto* key = attribute(*message, record_key_attribute)) record.key = *key;
  else if (const auto* header = message->header(record_key_header)) record.key = *header;
  record.value = message->content;
  record.headers.reserve(message->headers.size());
  for (const auto& h : message->headers)
    if (!boost::iequals(h.first, record_key_header)) record.headers.push_back(h);

  if (qos == Qos::none) {  // handed over without waiting for the broker: only an immediate refusal is reported
    boost::system::error_code first;
    for (const auto& topic : topics) {
      record.topic = topic;
      if (auto ec = p->send(record); ec && !first) first = ec;
    }
    return complete_publish(std::move(done), first);
  }
  if (topics.empty()) return complete_publish(std::move(done), KafkaErrc::unknown_topic);
  auto executor = done.executor;
  if (topics.size() == 1) {  // the usual case: no fan-in to allocate and lock
    record.topic = topics.front();
    p->async_send(record, executor, [done = std::move(done)](boost::system::error_code ec, Delivery) mutable {
      std::move(done.handler)(ec);
    });
    return;
  }
  auto fan_in = std::make_shared<FanIn>(topics.size(), std::move(done));
  for (const auto& topic : topics) {
    record.topic = topic;
    p->async_send(record, executor, [fan_in](boost::system::error_code ec, Delivery) { fan_in->one(ec); });
  }
}

std::unique_ptr<gantry::Subscription> KafkaConnector::subscribe(const SubscribeRequest& request, MessageSink& sink) {
  // A configuration evaluated for this request (dynamic configuration) gets a consumer of its own.
  const auto config = request.config ? std::static_pointer_cast<const EndpointConfig>(request.config) : config_;
  if (!config->consumer.enabled) return nullptr;
  if (!config->bootstrap_problem.empty())
    return failed_subscription(request, sink, "FAILURE_ENDPOINT_CONFIGURATION_INVALID", config->bootstrap_problem);
  std::optional<Position> resume;
  if (!request.resume_after.empty()) {
    resume = parse_message_id(request.resume_after);
    if (!resume)
      spdlog::warn("kafka endpoint '{}': '{}' is not a Kafka message id; reading from the configured offset",
                   name_, request.resume_after);
  }
  SubscriberChoice choice;
  for (const auto& [name, value] : request.attributes) {
    if (name == group_id_attribute) choice.group_id = value;
    if (name == topics_attribute) choice.topics = split_attribute_list(value);
  }
  // Live clients that need no position of their own share one consumer per (API, topics).
  const bool live = !request.config && request.subscriber_id.empty() && !resume && request.limit == 0 &&
                    choice.group_id.empty() && (request.qos == Qos::none || request.qos == Qos::auto_) &&
                    (config_->consumer.topic_pattern.empty() || !choice.topics.empty());
  if (live) return make_live_subscription(shared_, config_, request, choice, sink);
  return make_own_subscription(config, request, choice, std::move(resume), sink);
}

}  // namespace gantry::kafka
