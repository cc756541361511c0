#include "endpoints/http_proxy/client_watch.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace gantry::http_proxy {
namespace asio = boost::asio;

namespace {

// Whether a readable socket says its peer is gone: end of stream or an error (a reset), rather than bytes.
bool peer_gone(int fd) {
  char byte;
  const auto n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return false;
  return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

ClientWatch::ClientWatch(Exchange& ex) : state_(std::make_shared<State>()) {
  auto& socket = ex.client.tcp().socket();
  auto on_ready = [state = state_, fd = socket.native_handle()](boost::system::error_code ec) {
    if (!state->watching || ec == asio::error::operation_aborted) return;
    state->watching = false;
    if (!ec && !peer_gone(fd)) return;
    state->left = true;
    if (state->stop) state->stop();
  };
  socket.async_wait(asio::socket_base::wait_read, asio::bind_cancellation_slot(state_->cancel.slot(), on_ready));
}

ClientWatch::~ClientWatch() {
  if (!state_->watching) return;
  state_->watching = false;
  state_->stop = nullptr;
  state_->cancel.emit(asio::cancellation_type::all);
}

}  // namespace gantry::http_proxy
