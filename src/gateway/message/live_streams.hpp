// The streams (SSE, WebSocket, http-get) currently open on one deployed message API, across io threads, so that
// stopping or redeploying the API can end each of them cleanly (SSE goaway, WebSocket close 1001).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace gantry {

struct LiveStreamEntry {
  boost::asio::any_io_executor executor;
  // Shared with the posted stop callback: the stream may end before the callback runs on its thread; the
  // Handle (same thread) clears it first.
  std::shared_ptr<std::function<void()>> on_stop;
};

class LiveStreams {
 public:
  // Registration of one stream; leaving the scope unregisters it. Created and destroyed on the stream's thread.
  class Handle {
   public:
    Handle(LiveStreams& owner, std::list<LiveStreamEntry>::iterator it) : owner_(owner), it_(it) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle();

   private:
    LiveStreams& owner_;
    std::list<LiveStreamEntry>::iterator it_;
  };

  // Registers a stream running on `executor`; `on_stop` runs there when the API stops. Null when the API has
  // already stopped (the caller answers 503 instead of opening a stream).
  std::unique_ptr<Handle> enter(boost::asio::any_io_executor executor, std::function<void()> on_stop);

  // Asks every stream to end, each on its own thread; later enter() calls fail. Callable from any thread.
  void stop_all();

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;  // taken once per stream opened/closed and at stop, never per message
  std::list<LiveStreamEntry> entries_;
  bool stopped_ = false;
};

}  // namespace gantry
