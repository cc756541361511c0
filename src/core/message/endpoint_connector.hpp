// The run-time contract between the message engine and an endpoint connector (mock, kafka, mqtt5, ...): publish
// messages with a completion, open subscriptions that deliver messages to a sink, and honour QoS and
// back-pressure. Built once per deployed endpoint by EndpointFactory::create_message_endpoint().
#pragma once

#include "core/definition/model.hpp"
#include "core/message/message.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gantry {

class DynamicConfig;

// ------------------------------------------------------------------------------------------------------------------
// THE CONTRACT (read this before writing an endpoint)
//
// Threads. The gateway runs one io_context per core; a client connection (and so a subscriber) lives its whole
// life on one of them: `SubscribeRequest::executor`. subscribe(), and every Subscription method (pause, resume,
// ack, nack, the destructor), are called on that executor. Every MessageSink call MUST happen on it too: a
// connector whose broker client runs its own threads (librdkafka, Paho) hands each message over with
// `boost::asio::post(request.executor, ...)`. publish() may be called from any io thread; its completion runs on
// the caller's executor (use complete_publish() from any thread).
//
// Lifetime. The subscriber owns the Subscription. Destroying it releases everything the subscription holds at once
// (timers, consumers, its place in a shared consumer's fan-out) and guarantees that no MessageSink call happens
// after the destructor returns. Work already posted to the executor must check a flag the destructor clears
// (e.g. a shared_ptr<State> with `bool alive`), because a posted lambda can still run after destruction.
// EndpointConnector::stop() is called when the API is retired; live subscriptions are destroyed by their
// subscribers shortly after (the engine ends every stream of a stopped API).
//
// Sharing. A connector may serve many subscribers from one broker consumer (kafka: one consumer per API and
// topics for live subscribers at none/auto): it fans each message out by calling on_message on each subscriber's
// own executor with the same MessagePtr (messages are immutable once built, so they are never copied). A
// subscriber that needs its own committed position (`subscriber_id` set: a webhook subscription; or
// at-least-once) gets its own consumer/group.
//
// Positions. Message::id is the position a client resumes from (mock: "7"; kafka: "topic@partition#offset,...").
// `resume_after` is the id of the last message the client saw (SSE Last-Event-ID, http-get cursor): deliver what
// follows it. A connector that cannot resume declares `resumable = false` in its capabilities and ignores it.
//
// QoS and acknowledgement. Each delivery carries an `ack_id` chosen by the connector. The engine calls
//   * nothing for `none` (fire and forget; the subscriber may drop messages when the client is slow),
//   * ack(id) BEFORE handing the message to the client for `at-most-once` (commit first: 0 or 1 delivery),
//   * ack(id) AFTER the entrypoint has delivered it for `at-least-once` and `auto` (see docs/qos.md for what
//     "delivered" means per entrypoint); nack(id) when it could not be delivered: redeliver it later (at-least-once)
//     or skip it (auto).
// A connector commits a broker position only up to the lowest id not yet acknowledged.
//
// Back-pressure. Each subscriber has a bounded queue. At `at-least-once` a full queue calls pause(): stop
// delivering (pause the consumer/partitions) until resume(). Messages already posted when pause() is called are
// still accepted, up to the queue's hard limit; beyond it the engine nacks them, so a connector should stop
// promptly. At other levels the queue drops its oldest messages instead and counts them; pause() is not called.
//
// Connecting. A connector whose subscription first has to reach its broker (mqtt5, kafka) returns from subscribe() at
// once with Subscription::connected() false, then tells the sink on_connected(), or on_connect_failed(why) for each
// attempt that failed (unknown host, refused, credentials rejected) while it keeps trying as configured. An
// entrypoint that has not begun its response yet waits for that outcome: a failure is answered 500 "Endpoint
// connection failed" instead of a stream that would only carry an error. With the API's failover on, an attempt
// that failed (or no outcome within slowCallDuration) moves the subscription to another endpoint of the group
// (gateway/message/group_connector.hpp), so report failures promptly. Connectors with nothing to wait for (mock)
// keep the defaults: connected at once.
//
// Publish. publish() hands a message to the broker and completes with an empty error_code once the broker
// confirmed it (kafka: delivery report; mqtt5: PUBACK at QoS 1), or with an error the entrypoint reports to the
// client (http-post: 503 by default). Keep at most a bounded number of publishes in flight per connector.
//
// Dynamic configuration (Gravitee's: EL in any string of the endpoint's configuration, and overrides by the context
// attributes `gravitee.attributes.endpoint.<type>.<dotted.path>`). A connector that offers it returns from
// dynamic_config() the DynamicConfig (core/message/dynamic_config.hpp) its factory built at deploy time. The
// gateway, which holds the request's EL roots and attributes, evaluates it once per exchange (only when the
// configuration has EL or an attribute under the prefix is set) and answers 500 "Invalid configuration"
// (FAILURE_CONFIGURATION_INVALID) itself when the result does not validate; the connector never sees a request
// whose configuration is invalid. It receives what its own parse_config made of the evaluated configuration:
// `SubscribeRequest::config`, and the `config` of publish_with() (null in both: the deployed configuration). It
// honours it as it can (kafka: a consumer of the subscription's own; per-record topics; a producer per distinct
// producer configuration, a few at most) and says in its docs what it ignores.
// ------------------------------------------------------------------------------------------------------------------

struct SubscribeRequest {
  Qos qos = Qos::auto_;
  std::string resume_after;    // id of the last message the client saw; "" = start from now
  std::uint64_t limit = 0;     // the subscriber wants at most this many messages (0 = no limit), e.g. http-get
  std::string subscriber_id;   // a durable subscriber's stable id (webhook subscription); "" for a live client
  std::string api_id;          // for consumer group names, logs
  // Gravitee's client identifier of the client that opened the stream ("" for none, e.g. a webhook): a connector
  // that keeps positions per client (kafka: the consumer group of a grouped subscription) keys them by it, so that
  // the same client's next request continues where this one stopped.
  std::string client_identifier;
  boost::asio::any_io_executor executor;  // the subscriber's io thread
  // #context.attributes set by the request phase of the request that opened the stream (as text), for endpoint
  // options chosen per subscriber: gravitee.attribute.kafka.groupId, gravitee.attribute.kafka.topics...
  MessageFields attributes;
  // The endpoint's configuration evaluated for this request (see "Dynamic configuration"); null: the deployed one.
  PluginConfigPtr config;
};

// Where a subscription delivers. Implemented by the engine (gateway/message/subscriber.hpp).
class MessageSink {
 public:
  // One message; `ack_id` goes back through Subscription::ack/nack when the QoS says so.
  virtual void on_message(MessagePtr message, std::uint64_t ack_id) = 0;
  // No more messages: the endpoint finished (mock messageCount reached; `error` empty) or failed (`error` says
  // why; SSE sends it as an error event). The subscription may be destroyed right after.
  virtual void on_end(std::string error) = 0;
  // on_end(error) for a failure Gravitee names with a key (FAILURE_ENDPOINT_CONFIGURATION_INVALID...), so that an
  // entrypoint can show it (http-get: the page's `error` carries it as metadata `key`).
  virtual void on_failure(std::string key, std::string error) {
    (void)key;
    on_end(std::move(error));
  }
  // See "Connecting" above: the subscription reached its broker, or an attempt to reach it failed.
  virtual void on_connected() {}
  virtual void on_connect_failed(std::string error) { (void)error; }

 protected:
  ~MessageSink() = default;
};

class Subscription {
 public:
  virtual ~Subscription() = default;  // releases everything at once; no sink call after it returns
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual void ack(std::uint64_t ack_id) = 0;
  virtual void nack(std::uint64_t ack_id) = 0;
  // False while the subscription still waits for its broker connection (see "Connecting" above).
  virtual bool connected() const { return true; }
};

using PublishHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

// How a publish reports back: on `executor`, the io thread of the client that published.
struct PublishCompletion {
  boost::asio::any_io_executor executor;
  PublishHandler handler;
};

class EndpointConnector {
 public:
  virtual ~EndpointConnector() = default;
  virtual std::string_view type() const = 0;
  // Opens a subscription delivering to `sink` (both on request.executor). Null when the endpoint cannot
  // subscribe (its consumer side disabled); the entrypoint then reports an error to the client.
  virtual std::unique_ptr<Subscription> subscribe(const SubscribeRequest& request, MessageSink& sink) = 0;
  // Hands `message` to the broker; finish with complete_publish(std::move(done), ec) from any thread.
  virtual void publish(MessagePtr message, Qos qos, PublishCompletion done) = 0;
  // The API is being retired: release shared consumers and producers.
  virtual void stop() {}
  // See "Dynamic configuration" above: null when the connector takes none.
  virtual const DynamicConfig* dynamic_config() const { return nullptr; }
  // publish() with the configuration evaluated for the publishing request (null: the deployed one).
  virtual void publish_with(PluginConfigPtr config, MessagePtr message, Qos qos, PublishCompletion done) {
    (void)config;
    publish(std::move(message), qos, std::move(done));
  }
};

// Completes a publish on the io thread that asked for it, whichever thread calls this (a broker callback).
inline void complete_publish(PublishCompletion done, boost::system::error_code ec) {
  auto executor = done.executor;
  boost::asio::post(executor, [handler = std::move(done.handler), ec]() mutable { std::move(handler)(ec); });
}

// co_await async_publish(connector, message, qos, as_tuple(use_awaitable)) -> error_code.
template <class Token>
auto async_publish(EndpointConnector& connector, MessagePtr message, Qos qos, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
      [&connector](auto handler, MessagePtr m, Qos q) {
        boost::asio::any_io_executor executor = boost::asio::get_associated_executor(handler);
        connector.publish(std::move(m), q, PublishCompletion{std::move(executor), PublishHandler(std::move(handler))});
      },
      token, std::move(message), qos);
}

// The same with the configuration evaluated for the publishing request (null: the deployed one).
template <class Token>
auto async_publish(EndpointConnector& connector, PluginConfigPtr config, MessagePtr message, Qos qos, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
      [&connector](auto handler, PluginConfigPtr c, MessagePtr m, Qos q) {
        boost::asio::any_io_executor executor = boost::asio::get_associated_executor(handler);
        connector.publish_with(std::move(c), std::move(m), q,
                               PublishCompletion{std::move(executor), PublishHandler(std::move(handler))});
      },
      token, std::move(config), std::move(message), qos);
}

}  // namespace gantry
