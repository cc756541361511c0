// Process-wide gauges and counters of the message engine: what an operator watches to see streams, endpoint
// subscriptions and back-pressure drops (logged by the gateway when they change; see docs/qos.md).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>

namespace gantry {

struct MessageStats {
  std::atomic<std::int64_t> open_streams{0};            // SSE, WebSocket and http-get exchanges in progress
  std::atomic<std::int64_t> endpoint_subscriptions{0};  // live Subscription objects held by subscribers
  std::atomic<std::uint64_t> delivered{0};              // messages handed to clients
  std::atomic<std::uint64_t> dropped{0};                // dropped by a full subscriber queue (none/auto/at-most-once)
  std::atomic<std::uint64_t> published{0};              // messages the endpoints confirmed
  std::atomic<std::uint64_t> publish_failures{0};
};

MessageStats& message_stats();

// Counts one open stream (SSE, WebSocket, http-get exchange) for as long as it lives.
struct OpenStreamGauge {
  OpenStreamGauge() { ++message_stats().open_streams; }
  ~OpenStreamGauge() { --message_stats().open_streams; }
  OpenStreamGauge(const OpenStreamGauge&) = delete;
  OpenStreamGauge& operator=(const OpenStreamGauge&) = delete;
};

// Logs one line "message engine: open_streams=... endpoint_subscriptions=..." each second in which a figure
// changed. Runs on the control io_context until it stops.
boost::asio::awaitable<void> log_message_stats();

}  // namespace gantry
