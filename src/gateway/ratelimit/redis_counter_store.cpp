// Counters in Redis, so that several gateways share one limit. hiredis formats the commands and parses the replies;
// the bytes travel on Asio sockets of the calling io thread (one small pool of connections per thread), so a
// request waiting on Redis never blocks its thread.
#include "gateway/ratelimit/counter_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/url/parse.hpp>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <array>
#include <mutex>
#include <vector>

namespace gantry {
namespace asio = boost::asio;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto redis_timeout = std::chrono::milliseconds(500);
constexpr std::size_t max_idle_per_thread = 32;

// INCR, then give a new key its window; the remaining time tells when the window ends.
constexpr const char* increment_script =
    "local c = redis.call('INCR', KEYS[1]) "
    "if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
    "local ttl = redis.call('PTTL', KEYS[1]) "
    "if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end "
    "return {c, ttl}";

struct ReaderDeleter {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

struct Connection {
  explicit Connection(asio::any_io_executor ex) : stream(ex), reader(redisReaderCreate()) {}
  boost::beast::tcp_stream stream;
  std::unique_ptr<redisReader, ReaderDeleter> reader;
};

class RedisCounterStore final : public CounterStore {
 public:
  RedisCounterStore(std::string host, std::string port, int db, std::size_t workers)
      : host_(std::move(host)), port_(std::move(port)), db_(db), idle_(workers) {}

  bool synchronous() const override { return false; }

  asio::awaitable<std::optional<CounterValue>> increment(std::string key, std::int64_t now_ms, std::int64_t window_ms,
                                                         std::size_t worker) override {
    auto conn = co_await acquire(worker);
    if (!conn) co_return std::nullopt;
    const std::string window = std::to_string(window_ms);
    const char* argv[] = {"EVAL", increment_script, "1", key.c_str(), window.c_str()};
    const std::size_t lens[] = {4, std::strlen(increment_script), 1, key.size(), window.size()};
    auto reply = co_await call(*conn, 5, argv, lens);
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER || reply->element[1]->type != REDIS_REPLY_INTEGER) {
      if (reply && reply->type == REDIS_REPLY_ERROR) spdlog::warn("redis rate-limit counter: {}", reply->str);
      co_return std::nullopt;  // the connection is dropped: its state is unknown
    }
    CounterValue value{reply->element[0]->integer, now_ms + reply->element[1]->integer};
    release(worker, std::move(conn));
    co_return value;
  }

 private:
  asio::awaitable<std::unique_ptr<Connection>> acquire(std::size_t worker) {
    {
      std::lock_guard lock(mutex_);
      auto& idle = idle_[worker % idle_.size()];
      if (!idle.empty()) {
        auto conn = std::move(idle.back());
        idle.pop_back();
        co_return conn;
      }
    }
    auto executor = co_await asio::this_coro::executor;
    auto conn = std::make_unique<Connection>(executor);
    asio::ip::tcp::resolver resolver(executor);
    auto [rec, endpoints] = co_await resolver.async_resolve(host_, port_, use_tuple);
    if (rec) {
      spdlog::warn("redis rate-limit counters: cannot resolve {}: {}", host_, rec.message());
      co_return nullptr;
    }
    conn->stream.expires_after(redis_timeout);
    auto [cec, ep] = co_await conn->stream.async_connect(endpoints, use_tuple);
    if (cec) {
      spdlog::warn("redis rate-limit counters: cannot connect to {}:{}: {}", host_, port_, cec.message());
      co_return nullptr;
    }
    conn->stream.socket().set_option(asio::ip::tcp::no_delay(true));
    if (db_ != 0) {
      const std::string db = std::to_string(db_);
      const char* argv[] = {"SELECT", db.c_str()};
      const std::size_t lens[] = {6, db.size()};
      auto reply = co_await call(*conn, 2, argv, lens);
      if (!reply || reply->type == REDIS_REPLY_ERROR) co_return nullptr;
    }
    co_return conn;
  }

  void release(std::size_t worker, std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[worker % idle_.size()];
    if (idle.size() < max_idle_per_thread) idle.push_back(std::move(conn));
  }

  // Sends one command and reads its reply; null on any failure or timeout.
  static asio::awaitable<std::unique_ptr<redisReply, ReplyDeleter>> call(Connection& conn, int argc, const char** argv,
                                                                         const std::size_t* lens) {
    char* command = nullptr;
    const long long length = redisFormatCommandArgv(&command, argc, argv, lens);
    if (length < 0) co_return nullptr;
    std::unique_ptr<char, decltype(&redisFreeCommand)> owned(command, &redisFreeCommand);
    conn.stream.expires_after(redis_timeout);
    auto [wec, written] = co_await asio::async_write(conn.stream, asio::buffer(command, length), use_tuple);
    if (wec) co_return nullptr;
    std::array<char, 512> buf;
    while (true) {
      void* reply = nullptr;
      if (redisReaderGetReply(conn.reader.get(), &reply) != REDIS_OK) co_return nullptr;
      if (reply) co_return std::unique_ptr<redisReply, ReplyDeleter>(static_cast<redisReply*>(reply));
      auto [rec, n] = co_await conn.stream.async_read_some(asio::buffer(buf), use_tuple);
      if (rec) co_return nullptr;
      if (redisReaderFeed(conn.reader.get(), buf.data(), n) != REDIS_OK) co_return nullptr;
    }
  }

  std::string host_, port_;
  int db_;
  std::mutex mutex_;  // idle lists are per thread, but a retired API's coroutine may finish on any of them
  std::vector<std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace

std::unique_ptr<CounterStore> make_redis_counter_store(const std::string& uri, std::size_t workers, std::string& error) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed || parsed->scheme() != "redis" || parsed->host().empty()) {
    error = "ratelimit.uri: expected redis://host:port, got '" + uri + "'";
    return nullptr;
  }
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "6379";
  int db = 0;
  std::string path(parsed->path());
  if (path.size() > 1) db = std::atoi(path.c_str() + 1);
  return std::make_unique<RedisCounterStore>(std::string(parsed->host()), port, db, std::max<std::size_t>(1, workers));
}

}  // namespace gantry
