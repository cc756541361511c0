// net::write_all over real loopback TCP: every byte arrives, in order, whether the socket takes it at once or only
// as the peer reads (the asynchronous path), and empty pieces are skipped rather than waited for. Also the chunk size
// lines written around proxied and message-stream data.
#include "net/eager_write.hpp"
#include "net/http_head.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using gantry::net::FlexStream;

// A connected pair on loopback: the writer as a FlexStream, the reader as a plain socket.
struct Pair {
  asio::io_context io;
  std::optional<FlexStream> writer;
  tcp::socket reader{io};

  Pair() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(reader);
    writer.emplace(boost::beast::tcp_stream(std::move(client)));
  }
};

// Writes `pieces` with write_all and reads `expected_size` bytes on the other side (after `read_delay`, so a write
// larger than the socket buffers has to wait for the reader); returns what the reader got and the write's error.
std::pair<std::string, boost::system::error_code> write_and_read(std::vector<std::string> pieces,
                                                                 std::size_t expected_size,
                                                                 std::chrono::milliseconds read_delay) {
  Pair pair;
  boost::system::error_code write_ec = asio::error::would_block;  // replaced when write_all returns
  std::string received(expected_size, '\0');
  asio::co_spawn(
      pair.io,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::const_buffer> buffers;
        for (const auto& p : pieces) buffers.push_back(asio::buffer(p));
        write_ec = co_await gantry::net::write_all(*pair.writer, buffers, std::chrono::milliseconds(5000));
      },
      asio::detached);
  asio::co_spawn(
      pair.io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer delay(pair.io, read_delay);
        co_await delay.async_wait(asio::use_awaitable);
        co_await asio::async_read(pair.reader, asio::buffer(received), asio::as_tuple(asio::use_awaitable));
      },
      asio::detached);
  pair.io.run_for(std::chrono::seconds(20));
  return {received, write_ec};
}

TEST(EagerWrite, WritesEveryPieceInOrderAndSkipsEmptyOnes) {
  const std::string expected = "HTTP/1.1 202 Accepted\r\n\r\nbody";
  auto [received, ec] = write_and_read({"", "HTTP/1.1 202 Accepted\r\n\r\n", "", "body", ""}, expected.size(),
                                       std::chrono::milliseconds(0));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(received, expected);
}

TEST(EagerWrite, AWriteLargerThanTheSocketBuffersGoesOnAsThePeerReads) {
  std::string big(16 * 1024 * 1024, '\0');  // far more than loopback's socket buffers take at once
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto [received, ec] = write_and_read({"head:", big, ":tail"}, 5 + big.size() + 5, std::chrono::milliseconds(100));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(received, "head:" + big + ":tail");
}

TEST(EagerWrite, NothingToWriteReturnsAtOnce) {
  auto [received, ec] = write_and_read({"", ""}, 0, std::chrono::milliseconds(0));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(received, "");
}

TEST(ChunkFraming, SizeLinesAreHexWithTheirCrlf) {
  gantry::net::ChunkSizeLine line;
  EXPECT_EQ(gantry::net::chunk_size_line(1, line), "1\r\n");
  EXPECT_EQ(gantry::net::chunk_size_line(26, line), "1a\r\n");
  EXPECT_EQ(gantry::net::chunk_size_line(65536, line), "10000\r\n");
  EXPECT_EQ(gantry::net::chunk_size_line(SIZE_MAX, line), "ffffffffffffffff\r\n");
}

}  // namespace
