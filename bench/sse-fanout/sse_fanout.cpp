// sse-fanout: opens N server-sent-events connections to one URL, counts the events delivered and their latency
// (from a millisecond timestamp the source put in each event: the mock endpoint's ":sourceTimestamp: <ms>"
// comment, or "ts=<ms>" at the start of the data), and reports deliveries/s, latency percentiles and, given the
// server's pid, its resident memory per connection. One io thread per --threads; --ramp connections/s opened.
//
//   sse_fanout --host 127.0.0.1 --port 8082 --path /bench/sse --connections 1000 --duration 20 [--pid 1234,1235]
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Options {
  std::string host = "127.0.0.1", port = "8082", path = "/";
  int connections = 100, duration_s = 10, threads = 1, warmup_s = 2;
  int ramp_per_s = 1000;  // new connections per second while opening (all at once overwhelms some servers)
  std::vector<long> pids;  // the server's processes (Pushpin runs several): their RSS is summed
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Latencies in 1 ms buckets up to 60 s; one per thread, merged at the end.
struct Stats {
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(60001);
  std::uint64_t events = 0, timed = 0;
};

std::atomic<int> connected{0}, failed{0};
std::atomic<bool> measuring{false}, done{false};

// Incremental SSE parsing: lines end with \n; a blank line ends an event.
struct SseParser {
  std::string line;
  std::int64_t ts = -1;
  bool has_data = false;

  void feed(const char* p, std::size_t n, Stats& stats) {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != '\n') {
        line.push_back(p[i]);
        continue;
      }
      on_line(stats);
      line.clear();
    }
  }

  static std::int64_t number_after(std::string_view s, std::string_view prefix) {
    if (!s.starts_with(prefix)) return -1;
    std::int64_t v = -1;
    std::from_chars(s.data() + prefix.size(), s.data() + s.size(), v);
    return v;
  }

  void on_line(Stats& stats) {
    std::string_view l(line);
    if (l.empty()) {
      if (has_data && measuring.load(std::memory_order_relaxed)) {
        ++stats.events;
        if (ts > 0) {
          auto latency = std::clamp<std::int64_t>(now_ms() - ts, 0, 60000);
          ++stats.buckets[latency];
          ++stats.timed;
        }
      }
      has_data = false;
      ts = -1;
      return;
    }
    if (auto v = number_after(l, ":sourceTimestamp: "); v > 0) ts = v;
    if (l.starts_with("data:")) {
      has_data = true;
      std::string_view d = l.substr(5);
      if (d.starts_with(' ')) d.remove_prefix(1);
      if (auto v = number_after(d, "ts="); v > 0) ts = v;
    }
  }
};

asio::awaitable<void> run_connection(const Options& o, tcp::endpoint target, Stats& stats) {
  auto ex = co_await asio::this_coro::executor;
  boost::beast::tcp_stream stream(ex);
  auto [ec] = co_await stream.async_connect(target, asio::as_tuple(asio::use_awaitable));
  if (ec) {
    ++failed;
    co_return;
  }
  http::request<http::empty_body> req{http::verb::get, o.path, 11};
  req.set(http::field::host, o.host);
  req.set(http::field::accept, "text/event-stream");
  auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  if (wec) {
    ++failed;
    co_return;
  }
  boost::beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (hec || parser.get().result_int() != 200) {
    ++failed;
    co_return;
  }
  ++connected;
  SseParser sse;
  char chunk[16384];
  while (!parser.is_done() && !done.load(std::memory_order_relaxed)) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    auto [rec, n] = co_await http::async_read_some(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (rec == http::error::need_buffer) rec = {};
    sse.feed(chunk, sizeof chunk - parser.get().body().size, stats);
    if (rec) break;
  }
  --connected;
}

long rss_kb(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

long rss_kb(const std::vector<long>& pids) {
  long total = 0;
  for (long pid : pids) total += rss_kb(pid);
  return total;
}

// utime + stime of the server's processes, in clock ticks: its CPU over the measured window.
long cpu_ticks(const std::vector<long>& pids) {
  long total = 0;
  for (long pid : pids) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(") ");  // the command name may hold spaces; fields restart after it
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15 (1-based) are utime and stime
      if (i == 14) utime = std::stol(field);
      if (i == 15) stime = std::stol(field);
    }
    total += utime + stime;
  }
  return total;
}

double percentile(const std::vector<std::uint64_t>& b, std::uint64_t total, double q) {
  if (!total) return -1;
  const auto rank = std::min(total - 1, static_cast<std::uint64_t>(q * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    seen += b[i];
    if (seen > rank) return static_cast<double>(i);
  }
  return static_cast<double>(b.size() - 1);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = v;
    else if (k == "--path") o.path = v;
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--duration") o.duration_s = std::stoi(v);
    else if (k == "--warmup") o.warmup_s = std::stoi(v);
    else if (k == "--threads") o.threads = std::stoi(v);
    else if (k == "--ramp") o.ramp_per_s = std::stoi(v);
    else if (k == "--pid") {
      for (std::size_t at = 0; at < v.size();) {
        const auto comma = v.find(',', at);
        o.pids.push_back(std::stol(v.substr(at, comma - at)));
        at = comma == std::string::npos ? v.size() : comma + 1;
      }
    }
    else throw std::runtime_error("unknown option " + k);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  asio::io_context resolver_ctx;
  const auto target = *tcp::resolver(resolver_ctx).resolve(o.host, o.port).begin();
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<Stats> stats(o.threads);
  for (int t = 0; t < o.threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
  const long rss_before = o.pids.empty() ? -1 : rss_kb(o.pids);
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.emplace_back(c->get_executor());
  for (auto& c : contexts) threads.emplace_back([&c] { c->run(); });
  // Open the connections in batches of a tenth of the ramp rate, every 100 ms.
  const int batch = std::max(1, o.ramp_per_s / 10);
  for (int i = 0; i < o.connections; ++i) {
    const int t = i % o.threads;
    asio::co_spawn(*contexts[t], run_connection(o, target.endpoint(), stats[t]), asio::detached);
    if ((i + 1) % batch == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  const auto ramp_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (connected.load() + failed.load() < o.connections && std::chrono::steady_clock::now() < ramp_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::seconds(o.warmup_s));
  const long rss_connected = o.pids.empty() ? -1 : rss_kb(o.pids);
  const long cpu_before = cpu_ticks(o.pids);
  measuring = true;
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(o.duration_s));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const long rss_end = o.pids.empty() ? -1 : rss_kb(o.pids);
  const long cpu_used = cpu_ticks(o.pids) - cpu_before;
  const int open_at_end = connected.load();
  done = true;
  guards.clear();
  for (auto& c : contexts) c->stop();
  for (auto& t : threads) t.join();

  Stats all;
  for (const auto& s : stats) {
    all.events += s.events;
    all.timed += s.timed;
    for (std::size_t i = 0; i < s.buckets.size(); ++i) all.buckets[i] += s.buckets[i];
  }
  std::printf("connections=%d open_at_end=%d failed=%d\n", o.connections, open_at_end, failed.load());
  std::printf("events=%llu deliveries_per_s=%.0f\n", static_cast<unsigned long long>(all.events),
              static_cast<double>(all.events) / elapsed);
  std::printf("latency_ms p50=%.0f p99=%.0f max=%.0f (timed events=%llu)\n", percentile(all.buckets, all.timed, 0.5),
              percentile(all.buckets, all.timed, 0.99), percentile(all.buckets, all.timed, 1.0),
              static_cast<unsigned long long>(all.timed));
  if (!o.pids.empty())
    std::printf("server_rss_kb before=%ld connected=%ld end=%ld per_connection_kb=%.1f\n", rss_before, rss_connected,
                rss_end, o.connections ? static_cast<double>(rss_end - rss_before) / o.connections : 0.0);
  if (!o.pids.empty())  // CPU-seconds per million deliveries, and the share of one core used
    std::printf("server_cpu percent=%.0f per_million_events_s=%.2f\n",
                100.0 * static_cast<double>(cpu_used) / static_cast<double>(sysconf(_SC_CLK_TCK)) / elapsed,
                all.events ? static_cast<double>(cpu_used) / static_cast<double>(sysconf(_SC_CLK_TCK)) /
                                 static_cast<double>(all.events) * 1e6
                           : -1.0);
  return failed.load() ? 1 : 0;
}
