#include "endpoints/kafka/producer.hpp"

#include <boost/asio/post.hpp>

namespace gantry::kafka {

namespace asio = boost::asio;

struct Producer::Pending {
  Producer* producer;
  asio::any_io_executor executor;
  DeliveryHandler handler;  // empty for QoS none
};

std::unique_ptr<Producer> Producer::create(const EndpointConfig& config, std::string* error) {
  auto properties = client_properties(config, Role::producer);
  if (auto e = resolve_stores(config, properties); !e.empty()) {
    *error = e;
    return nullptr;
  }
  ConfPtr conf = make_conf(properties, error);
  if (!conf) return nullptr;
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery);
  HandlePtr rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf), error);
  if (!rk) return nullptr;
  return std::unique_ptr<Producer>(new Producer(std::move(rk)));
}

Producer::Producer(HandlePtr rk) : rk_(std::move(rk)) {
  poller_ = std::thread([this] {
    while (!stopping_.load(std::memory_order_acquire)) {
      rd_kafka_poll(rk_.get(), 100);
      post_completed();
    }
  });
}

Producer::~Producer() {
  stopping_.store(true, std::memory_order_release);
  poller_.join();
  rd_kafka_flush(rk_.get(), static_cast<int>(flush_timeout.count()));
  post_completed();
  // What could not be delivered in time fails now (each handler runs once, with shutting_down), not never.
  rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk_.get(), 0);
  rd_kafka_poll(rk_.get(), 0);
  post_completed();
}

void Producer::post_completed() {
  // Usually one executor per io thread: a post each, carrying all of that executor's handlers in order.
  std::vector<bool> posted(completed_.size(), false);
  for (std::size_t i = 0; i < completed_.size(); ++i) {
    if (posted[i]) continue;
    const auto executor = completed_[i].executor;
    std::vector<Completed> mine;
    for (std::size_t j = i; j < completed_.size(); ++j) {
      if (posted[j] || completed_[j].executor != executor) continue;
      mine.push_back(std::move(completed_[j]));
      posted[j] = true;
    }
    asio::post(executor, [mine = std::move(mine)]() mutable {
      for (auto& c : mine) std::move(c.handler)(c.ec, c.delivery);
    });
  }
  completed_.clear();
}

rd_kafka_resp_err_t Producer::produce(const OutgoingRecord& r, Pending* pending) {
  rd_kafka_headers_t* headers = nullptr;
  if (!r.headers.empty()) {
    headers = rd_kafka_headers_new(r.headers.size());
    for (const auto& [name, value] : r.headers)
      rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                          static_cast<ssize_t>(value.size()));
  }
  const void* key = r.key ? r.key->data() : nullptr;
  const std::size_t key_len = r.key ? r.key->size() : 0;
  auto err = rd_kafka_producev(
      rk_.get(), RD_KAFKA_V_TOPIC(r.topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
      RD_KAFKA_V_KEY(key, key_len),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(pending), RD_KAFKA_V_END);
  if (err && headers) rd_kafka_headers_destroy(headers);  // on success librdkafka owns them
  return err;
}

boost::system::error_code Producer::send(const OutgoingRecord& record) {
  if (stopping_.load(std::memory_order_acquire)) return KafkaErrc::shutting_down;
  auto* pending = new Pending{this, {}, {}};
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (auto err = produce(record, pending)) {
    delete pending;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    failed_.fetch_add(1, std::memory_order_relaxed);
    return classify(err);
  }
  return {};
}

void Producer::start(const OutgoingRecord& record, asio::any_io_executor executor, DeliveryHandler handler) {
  auto fail_now = [&](boost::system::error_code ec) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    asio::post(executor, [h = std::move(handler), ec]() mutable { std::move(h)(ec, Delivery{}); });
  };
  if (stopping_.load(std::memory_order_acquire)) return fail_now(KafkaErrc::shutting_down);
  auto pending = std::make_unique<Pending>(Pending{this, executor, std::move(handler)});
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (auto err = produce(record, pending.get())) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    handler = std::move(pending->handler);
    return fail_now(classify(err));
  }
  pending.release();  // on_delivery owns it now
}

// On the poller thread (or in the destructor's flush): never blocks, only collects the outcome for post_completed().
void Producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(message->_private));
  if (!pending) return;
  Producer& self = *pending->producer;
  self.in_flight_.fetch_sub(1, std::memory_order_relaxed);
  const KafkaErrc outcome = classify(message->err);
  (outcome == KafkaErrc::ok ? self.sent_ : self.failed_).fetch_add(1, std::memory_order_relaxed);
  if (!pending->handler) return;
  const Delivery delivery{message->partition, message->offset};
  self.completed_.push_back(Completed{std::move(pending->executor), std::move(pending->handler),
                                      boost::system::error_code(outcome), delivery});
}

Producer::Stats Producer::stats() const {
  return {sent_.load(std::memory_order_relaxed), failed_.load(std::memory_order_relaxed),
          in_flight_.load(std::memory_order_relaxed)};
}

}  // namespace gantry::kafka
