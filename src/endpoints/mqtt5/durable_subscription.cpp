#include "endpoints/mqtt5/durable_subscription.hpp"

#include "endpoints/mqtt5/client.hpp"
#include "endpoints/mqtt5/connector.hpp"
#include "endpoints/mqtt5/engine_message.hpp"
#include "gateway/ids.hpp"

#include <boost/asio/post.hpp>

#include <map>

namespace gantry::mqtt5 {

namespace {

// Everything lives on the subscriber's executor (the client's too): no locks. Client events hold it weakly and
// check `alive`, which the subscription's destructor clears.
struct State : std::enable_shared_from_this<State> {
  explicit State(MessageSink& sink) : sink(sink) {}

  MessageSink& sink;
  std::shared_ptr<Client> client;
  bool alive = true;
  bool paused = false;
  bool ended = false;
  bool connected = false;
  bool redelivery_posted = false;
  std::uint64_t next_ack = 0;
  std::map<std::uint64_t, MessagePtr> unacked;    // handed to the sink, not acknowledged yet
  std::map<std::uint64_t, MessagePtr> redeliver;  // nacked: handed over again, oldest first

  void deliver(std::uint64_t id, MessagePtr m) {
    unacked.emplace(id, m);
    sink.on_message(std::move(m), id);  // may pause us, or nack this very message
  }

  void on_message(ReceivedMessage&& received) {
    if (!alive || ended) return;
    deliver(++next_ack, to_message(std::move(received)));
  }

  // Nacked messages first; the socket is read again only once none is left.
  void drain_redeliveries() {
    redelivery_posted = false;
    while (alive && !paused && !redeliver.empty()) {
      auto node = redeliver.extract(redeliver.begin());
      deliver(node.key(), std::move(node.mapped()));
    }
    if (alive && !paused && redeliver.empty()) client->resume_reading();
  }

  void post_redelivery() {
    if (redelivery_posted || paused) return;
    redelivery_posted = true;
    boost::asio::post(client->executor(), [self = shared_from_this()] {
      if (self->alive) self->drain_redeliveries();
    });
  }

  void on_connected() {
    connected = true;
    if (alive && !ended) sink.on_connected();
  }

  void on_attempt_failed(const std::string& error) {
    connected = false;
    if (alive && !ended) sink.on_connect_failed(error);
  }

  void end(const std::string& error) {
    if (!alive || ended) return;
    ended = true;
    sink.on_end(error);
  }
};

class DurableSubscription final : public Subscription {
 public:
  explicit DurableSubscription(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~DurableSubscription() override {
    state_->alive = false;
    state_->client->stop();
  }

  void pause() override {
    state_->paused = true;
    state_->client->pause_reading();
  }
  void resume() override {
    if (!state_->paused) return;
    state_->paused = false;
    state_->drain_redeliveries();
  }
  void ack(std::uint64_t ack_id) override { state_->unacked.erase(ack_id); }
  bool connected() const override { return state_->connected; }
  void nack(std::uint64_t ack_id) override {
    auto node = state_->unacked.extract(ack_id);
    if (node.empty()) return;
    state_->redeliver.insert(std::move(node));
    state_->client->pause_reading();  // nothing newer until the nacked ones went out again
    state_->post_redelivery();
  }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

std::unique_ptr<Subscription> open_durable_subscription(const SubscribeRequest& request, MessageSink& sink,
                                                        const EndpointConfig& config,
                                                        boost::asio::any_io_executor blocking) {
  auto state = std::make_shared<State>(sink);
  ClientOptions options = client_options(config);
  const bool durable = !request.subscriber_id.empty();
  options.client_id = "gantry-" + request.api_id + "-" + (durable ? request.subscriber_id : new_uuid());
  options.clean_start = false;
  options.session_expiry_interval = config.session_expiry_interval;
  options.end_session_on_stop = !durable;
  options.subscriptions = {{config.consumer.topic, 1}};
  std::weak_ptr<State> weak = state;
  ClientEvents events;
  events.on_message = [weak](ReceivedMessage&& m) {
    if (auto s = weak.lock()) s->on_message(std::move(m));
  };
  events.on_failed = [weak](const std::string& why) {
    if (auto s = weak.lock()) s->end("MQTT broker unreachable: " + why);
  };
  events.on_connected = [weak](bool) {
    if (auto s = weak.lock()) s->on_connected();
  };
  events.on_attempt_failed = [weak](const std::string& why) {
    if (auto s = weak.lock()) s->on_attempt_failed("MQTT broker unreachable: " + why);
  };
  state->client = Client::create(request.executor, std::move(blocking), std::move(options), std::move(events));
  state->client->start();
  return std::make_unique<DurableSubscription>(std::move(state));
}

}  // namespace gantry::mqtt5
