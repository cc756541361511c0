// A TCP stream that is either plain or TLS, chosen at run time, usable wherever Beast wants a stream.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <utility>
#include <variant>

namespace gantry::net {

namespace beast = boost::beast;

class FlexStream {
 public:
  using plain_stream = beast::tcp_stream;
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;
  using executor_type = plain_stream::executor_type;

  explicit FlexStream(plain_stream s) : s_(std::in_place_type<plain_stream>, std::move(s)) {}
  FlexStream(plain_stream s, boost::asio::ssl::context& ctx)
      : s_(std::in_place_type<tls_stream>, std::move(s), ctx) {}

  executor_type get_executor() { return tcp().get_executor(); }
  bool is_tls() const { return std::holds_alternative<tls_stream>(s_); }
  tls_stream& tls() { return std::get<tls_stream>(s_); }

  beast::tcp_stream& tcp() {
    if (auto* p = std::get_if<plain_stream>(&s_)) return *p;
    return beast::get_lowest_layer(std::get<tls_stream>(s_));
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (auto* p = std::get_if<plain_stream>(&s_)) return p->async_read_some(buffers, std::forward<Token>(token));
    return std::get<tls_stream>(s_).async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (auto* p = std::get_if<plain_stream>(&s_)) return p->async_write_some(buffers, std::forward<Token>(token));
    return std::get<tls_stream>(s_).async_write_some(buffers, std::forward<Token>(token));
  }

  // Closes the socket at once (no TLS close_notify): used on errors and timeouts.
  void close() {
    boost::system::error_code ec;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
  }

 private:
  std::variant<plain_stream, tls_stream> s_;
};

}  // namespace gantry::net
