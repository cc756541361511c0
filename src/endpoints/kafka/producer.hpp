// One librdkafka producer per kafka endpoint, shared by every request of every worker thread (librdkafka is
// thread-safe and batches across them). Acknowledgements come back on the caller's executor via asio::post, one post
// per executor for all the acknowledgements one poll served (a broker's answer acknowledges a whole batch).
#pragma once

#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/errors.hpp"
#include "endpoints/kafka/handle.hpp"
#include "endpoints/kafka/record.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace gantry::kafka {

struct Delivery {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

using DeliveryHandler = boost::asio::any_completion_handler<void(boost::system::error_code, Delivery)>;

class Producer {
 public:
  struct Stats {
    std::uint64_t sent = 0;       // acknowledged by the broker (QoS auto) or handed over (QoS none)
    std::uint64_t failed = 0;     // refused at once or failed later
    std::uint64_t in_flight = 0;  // waiting for an acknowledgement
  };

  // Null with `error` set when librdkafka refuses the configuration (deploy-time checks make that rare).
  static std::unique_ptr<Producer> create(const EndpointConfig& config, std::string* error);
  ~Producer();  // flushes for at most `flush_timeout`, then fails what is left with shutting_down
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // QoS none: handed to librdkafka without waiting for the broker; only an immediate refusal (full queue, unknown
  // partition) is reported.
  boost::system::error_code send(const OutgoingRecord& record);

  // QoS auto: completes on `executor` once the broker acknowledged the record, or with an error at the latest after
  // message.timeout.ms (10 s unless the endpoint's properties say otherwise) when no broker answers.
  template <class Token>
  auto async_send(const OutgoingRecord& record, boost::asio::any_io_executor executor, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, Delivery)>(
        [this](auto handler, const OutgoingRecord* r, boost::asio::any_io_executor ex) {
          start(*r, std::move(ex), DeliveryHandler(std::move(handler)));
        },
        token, &record, std::move(executor));
  }

  Stats stats() const;
  rd_kafka_t* handle() const { return rk_.get(); }

  std::chrono::milliseconds flush_timeout{3000};

 private:
  struct Pending;
  struct Completed {
    // Move-constructible only, said outright: any_completion_handler's converting constructor would otherwise pass
    // for a copy constructor, and a growing vector would "copy" (wrap, recursively) instead of moving. No
    // assignment: Boost 1.81's any_completion_handler move assignment recurses.
    Completed(boost::asio::any_io_executor e, DeliveryHandler h, boost::system::error_code c, Delivery d)
        : executor(std::move(e)), handler(std::move(h)), ec(c), delivery(d) {}
    Completed(Completed&&) noexcept = default;
    Completed& operator=(Completed&&) = delete;
    Completed(const Completed&) = delete;
    Completed& operator=(const Completed&) = delete;
    boost::asio::any_io_executor executor;
    DeliveryHandler handler;
    boost::system::error_code ec;
    Delivery delivery;
  };
  explicit Producer(HandlePtr rk);
  // Hands what the last poll or flush completed to the callers' executors. On the thread that polled.
  void post_completed();
  void start(const OutgoingRecord& record, boost::asio::any_io_executor executor, DeliveryHandler handler);
  rd_kafka_resp_err_t produce(const OutgoingRecord& record, Pending* pending);
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  HandlePtr rk_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> sent_{0}, failed_{0}, in_flight_{0};
  std::thread poller_;  // serves delivery reports; librdkafka's own threads do the network I/O
  std::vector<Completed> completed_;  // filled by on_delivery during a poll; only the polling thread touches it
};

}  // namespace gantry::kafka
