// Notices a client that goes away while its request waits on the backend (queued for a pooled connection, or
// sent and awaiting the answer) and stops that wait, as Gravitee cancels such requests: the backend connection is
// freed at once instead of after readTimeout, and a queued request is never sent. Internal to the http-proxy
// endpoint.
#pragma once

#include "gateway/exchange.hpp"

#include <boost/asio/cancellation_signal.hpp>

#include <functional>
#include <memory>

namespace gantry::http_proxy {

class ClientWatch {
 public:
  // Starts watching: a readiness wait on the client's socket, which reads nothing. Bytes from the client (a
  // request body, a pipelined next request) end the watch without a verdict; a close or a reset is a departure.
  explicit ClientWatch(Exchange& ex);
  ~ClientWatch();
  ClientWatch(const ClientWatch&) = delete;
  ClientWatch& operator=(const ClientWatch&) = delete;

  // What stops the current wait when the client leaves (replacing the previous one); empty: nothing to stop.
  void on_leave(std::function<void()> stop) { state_->stop = std::move(stop); }
  bool client_left() const { return state_->left; }

 private:
  // Shared with the wait's handler, which may run after this object is gone (a cancelled wait still completes).
  struct State {
    bool watching = true;
    bool left = false;
    std::function<void()> stop;
    boost::asio::cancellation_signal cancel;
  };
  std::shared_ptr<State> state_;
};

}  // namespace gantry::http_proxy
