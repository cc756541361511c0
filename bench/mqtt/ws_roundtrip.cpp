// ws-roundtrip: N clients, each sending one message and waiting for it to come back before sending the next, for a
// fixed time; reports round trips/s and latency percentiles as one JSON line. One epoll loop per --threads thread,
// plain sockets (no library), so the same code drives every target:
//   --mode gantry   WebSocket to a Gantry message API: a text frame out, the same payload back as a frame
//                   (connection i uses --path with {i} replaced by i: one API per client, see run.py)
//   --mode mqtt-ws  MQTT 5 over WebSocket (subprotocol "mqtt", binary frames) to a broker's websockets listener:
//                   CONNECT, SUBSCRIBE to --topic, then PUBLISH to it and wait for the PUBLISH back
//   --mode mqtt     the same MQTT 5 packets on a plain TCP listener (the broker's own ceiling)
// --qos 1 publishes at QoS 1 (the PUBACK is not waited for: the round trip ends when the message is back) and
// subscribes at QoS 1 (each delivery acknowledged). A message not back within --timeout-ms is counted lost and the
// client sends the next one; before measuring, every client must have completed one round trip (subscriptions open
// asynchronously in Gantry, so the first messages may find none).
//
// Build: g++ -O2 -std=c++20 ws_roundtrip.cpp -o ws_roundtrip -lpthread
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

enum class Mode { gantry, mqtt_ws, mqtt };

struct Options {
  Mode mode = Mode::gantry;
  int port = 0, connections = 1, threads = 1, qos = 0, size = 64;
  double duration_s = 10, warmup_s = 2, ready_s = 20;
  int timeout_ms = 1000;
  std::string path = "/", topic = "bench/{i}";
};

using Clock = std::chrono::steady_clock;
std::int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

std::string with_index(std::string s, int i) {
  if (auto at = s.find("{i}"); at != std::string::npos) s.replace(at, 3, std::to_string(i));
  return s;
}

// Latency histogram: 1 µs buckets below 100 ms, 1 ms buckets above (capped at 60 s).
struct Stats {
  static constexpr std::int64_t fine = 100000;
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(fine + 60000);
  std::uint64_t round_trips = 0, lost = 0, late = 0, failed = 0;
  std::int64_t max_us = 0;
  void add(std::int64_t us) {
    max_us = std::max(max_us, us);
    auto b = us < fine ? us : std::min<std::int64_t>(fine + (us - fine) / 1000, buckets.size() - 1);
    ++buckets[b];
    ++round_trips;
  }
  double percentile(double p) const {
    std::uint64_t total = 0, seen = 0;
    for (auto c : buckets) total += c;
    if (total == 0) return 0;
    auto want = static_cast<std::uint64_t>(p * total);
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      seen += buckets[b];
      if (seen > want) return b < fine ? b : fine + (b - fine) * 1000.0;
    }
    return max_us;
  }
};

enum class Phase { opening, measuring, done };
std::atomic<int> ready{0};
std::atomic<Phase> phase{Phase::opening};

// ---- encodings ------------------------------------------------------------------------------------------------------

void put_varint(std::string& out, std::size_t v) {
  do {
    std::uint8_t b = v % 128;
    v /= 128;
    out.push_back(static_cast<char>(v ? b | 0x80 : b));
  } while (v);
}
void put_u16(std::string& out, unsigned v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}
void put_str(std::string& out, std::string_view s) {
  put_u16(out, s.size());
  out.append(s);
}
std::string mqtt_packet(std::uint8_t type_flags, const std::string& body) {
  std::string p(1, static_cast<char>(type_flags));
  put_varint(p, body.size());
  return p + body;
}
std::string mqtt_connect(int i) {
  std::string b;
  put_str(b, "MQTT");
  b += '\x05';  // MQTT 5
  b += '\x02';  // clean start
  put_u16(b, 0);  // no keep-alive: the runs are short
  b += '\x00';  // no properties
  put_str(b, "ws-roundtrip-" + std::to_string(getpid()) + "-" + std::to_string(i));
  return mqtt_packet(0x10, b);
}
std::string mqtt_subscribe(const std::string& topic, int qos) {
  std::string b;
  put_u16(b, 1);
  b += '\x00';
  put_str(b, topic);
  b += static_cast<char>(qos);
  return mqtt_packet(0x82, b);
}
std::string mqtt_publish(const std::string& topic, int qos, unsigned id, std::string_view payload) {
  std::string b;
  put_str(b, topic);
  if (qos) put_u16(b, id);
  b += '\x00';
  b.append(payload);
  return mqtt_packet(0x30 | (qos << 1), b);
}
std::string mqtt_puback(unsigned id) {
  std::string b;
  put_u16(b, id);
  return mqtt_packet(0x40, b);
}

// A masked client frame (RFC 6455 5.3).
void ws_frame(std::string& out, int opcode, std::string_view payload, std::uint32_t mask) {
  out.push_back(static_cast<char>(0x80 | opcode));
  auto n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    out.push_back(static_cast<char>(0x80 | 126));
    put_u16(out, n);
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((std::uint64_t(n) >> s) & 0xff));
  }
  char m[4];
  std::memcpy(m, &mask, 4);
  out.append(m, 4);
  for (std::size_t k = 0; k < n; ++k) out.push_back(payload[k] ^ m[k & 3]);
}

// ---- one connection -------------------------------------------------------------------------------------------------

struct Conn {
  const Options* o;
  Stats* stats;
  int index, fd = -1;
  enum class State { upgrading, connecting, subscribing, running } state = State::upgrading;
  std::string in, mqtt_in, out, topic, padding;
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;
  unsigned packet_id = 1;
  bool counted_ready = false, want_write = false;

  bool websocket() const { return o->mode != Mode::mqtt; }

  void send_raw(std::string_view bytes) {
    if (o->mode == Mode::mqtt) {
      out.append(bytes);
    } else {
      ws_frame(out, o->mode == Mode::gantry ? 1 : 2, bytes, 0x5a17c3e9u * (index + 1));
    }
  }

  void send_next() {
    ++seq;
    sent_ns = now_ns();
    char head[48];
    auto n = std::snprintf(head, sizeof head, "%llu:%lld:", static_cast<unsigned long long>(seq),
                           static_cast<long long>(sent_ns));
    std::string payload(head, n);
    if (payload.size() < static_cast<std::size_t>(o->size)) payload.append(o->size - payload.size(), 'x');
    if (o->mode == Mode::gantry) {
      send_raw(payload);
    } else {
      if (o->qos && ++packet_id > 65535) packet_id = 1;
      send_raw(mqtt_publish(topic, o->qos, packet_id, payload));
    }
  }

  void on_message(std::string_view payload) {
    std::uint64_t got = 0;
    std::from_chars(payload.data(), payload.data() + payload.size(), got);
    if (got != seq || sent_ns == 0) {
      ++stats->late;
      return;
    }
    auto us = (now_ns() - sent_ns) / 1000;
    if (!counted_ready) {
      counted_ready = true;
      ++ready;
    }
    if (phase.load(std::memory_order_relaxed) == Phase::measuring) stats->add(us);
    send_next();
  }

  void on_timer(std::int64_t now) {
    if (state == State::running && sent_ns && now - sent_ns > std::int64_t(o->timeout_ms) * 1000000) {
      if (counted_ready && phase.load(std::memory_order_relaxed) == Phase::measuring) ++stats->lost;
      send_next();
    }
  }

  // MQTT packets from the byte stream (over WebSocket they may span frames, or share one).
  bool on_mqtt_bytes() {
    std::size_t at = 0;
    while (true) {
      if (mqtt_in.size() - at < 2) break;
      std::size_t len = 0, mult = 1, k = at + 1;
      bool complete = false;
      for (; k < mqtt_in.size() && k < at + 5; ++k) {
        len += (std::uint8_t(mqtt_in[k]) & 0x7f) * mult;
        mult *= 128;
        if (!(std::uint8_t(mqtt_in[k]) & 0x80)) {
          complete = true;
          ++k;
          break;
        }
      }
      if (!complete || mqtt_in.size() - k < len) break;
      std::uint8_t type = std::uint8_t(mqtt_in[at]);
      std::string_view body(mqtt_in.data() + k, len);
      at = k + len;
      switch (type >> 4) {
        case 2:  // CONNACK
          if (body.size() < 2 || body[1] != 0) return fail("CONNACK refused");
          state = State::subscribing;
          send_raw(mqtt_subscribe(topic, o->qos));
          break;
        case 9:  // SUBACK
          if (body.size() < 4 || std::uint8_t(body.back()) >= 0x80) return fail("SUBACK refused");
          state = State::running;
          send_next();
          break;
        case 3: {  // PUBLISH
          int qos = (type >> 1) & 3;
          std::size_t tlen = (std::uint8_t(body[0]) << 8) | std::uint8_t(body[1]);
          std::size_t p = 2 + tlen;
          unsigned id = 0;
          if (qos) {
            id = (std::uint8_t(body[p]) << 8) | std::uint8_t(body[p + 1]);
            p += 2;
          }
          std::size_t plen = 0, m = 1;  // properties length
          while (true) {
            plen += (std::uint8_t(body[p]) & 0x7f) * m;
            m *= 128;
            if (!(std::uint8_t(body[p++]) & 0x80)) break;
          }
          p += plen;
          if (qos) send_raw(mqtt_puback(id));
          on_message(body.substr(p));
          break;
        }
        default:  // PUBACK, PINGRESP: nothing to do
          break;
      }
    }
    mqtt_in.erase(0, at);
    return true;
  }

  bool fail(const char* why) {
    std::fprintf(stderr, "connection %d: %s\n", index, why);
    ++stats->failed;
    return false;
  }

  bool on_frames() {
    std::size_t at = 0;
    while (in.size() - at >= 2) {
      auto b0 = std::uint8_t(in[at]), b1 = std::uint8_t(in[at + 1]);
      std::size_t len = b1 & 0x7f, head = 2;
      if (len == 126) {
        if (in.size() - at < 4) break;
        len = (std::uint8_t(in[at + 2]) << 8) | std::uint8_t(in[at + 3]);
        head = 4;
      } else if (len == 127) {
        if (in.size() - at < 10) break;
        len = 0;
        for (int k = 0; k < 8; ++k) len = (len << 8) | std::uint8_t(in[at + 2 + k]);
        head = 10;
      }
      if (in.size() - at < head + len) break;
      std::string_view payload(in.data() + at + head, len);
      at += head + len;
      int opcode = b0 & 0x0f;
      if (opcode == 8) return fail("closed by the server");
      if (opcode == 9) {
        std::string pong(payload);
        ws_frame(out, 10, pong, 1);
        continue;
      }
      if (opcode == 10) continue;
      if (o->mode == Mode::gantry) {
        on_message(payload);  // Gantry sends each message as one whole frame
      } else {
        mqtt_in.append(payload);
      }
    }
    in.erase(0, at);
    return o->mode == Mode::gantry || on_mqtt_bytes();
  }

  bool on_upgrade() {
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    if (in.compare(0, 12, "HTTP/1.1 101") != 0) return fail(("upgrade refused: " + in.substr(0, in.find('\r'))).c_str());
    in.erase(0, end + 4);
    if (o->mode == Mode::gantry) {
      state = State::running;
      send_next();
    } else {
      state = State::connecting;
      send_raw(mqtt_connect(index));
    }
    return in.empty() || on_frames();
  }

  bool on_readable() {
    char buf[65536];
    while (true) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (websocket()) {
          in.append(buf, n);
        } else {
          mqtt_in.append(buf, n);
        }
        if (n < static_cast<ssize_t>(sizeof buf)) break;
        continue;
      }
      if (n == 0) return fail("connection closed");
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return fail("read error");
    }
    if (!websocket()) return on_mqtt_bytes();
    return state == State::upgrading ? on_upgrade() : on_frames();
  }

  bool flush() {
    while (!out.empty()) {
      auto n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return fail("write error");
      }
      out.erase(0, n);
    }
    return true;
  }

  bool open() {
    topic = with_index(o->topic, index);
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(o->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return fail("connect failed");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (o->mode == Mode::mqtt) {
      state = State::connecting;
      out = mqtt_connect(index);
    } else {
      auto path = o->mode == Mode::gantry ? with_index(o->path, index) : o->path;
      out = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(o->port) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n" +
            (o->mode == Mode::mqtt_ws ? "Sec-WebSocket-Protocol: mqtt\r\n" : "") + "\r\n";
    }
    return flush();
  }
};

void run_thread(const Options& o, int first, int count, Stats& stats) {
  std::vector<Conn> conns(count);
  int ep = epoll_create1(0);
  for (int k = 0; k < count; ++k) {
    auto& c = conns[k];
    c.o = &o;
    c.stats = &stats;
    c.index = first + k;
    if (!c.open()) continue;
    epoll_event ev{EPOLLIN, {.ptr = &c}};
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  epoll_event events[256];
  auto last_timer = now_ns();
  while (phase.load(std::memory_order_relaxed) != Phase::done) {
    int n = epoll_wait(ep, events, 256, 20);
    for (int k = 0; k < n; ++k) {
      auto* c = static_cast<Conn*>(events[k].data.ptr);
      bool ok = true;
      if (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ok = c->on_readable();
      if (ok) ok = c->flush();
      if (!ok) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
        ::close(c->fd);
        c->fd = -1;
        continue;
      }
      bool want = !c->out.empty();
      if (want != c->want_write) {
        c->want_write = want;
        epoll_event ev{EPOLLIN | (want ? EPOLLOUT : 0u), {.ptr = c}};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
      }
    }
    auto now = now_ns();
    if (now - last_timer > 50'000'000) {
      last_timer = now;
      for (auto& c : conns) {
        if (c.fd < 0) continue;
        c.on_timer(now);
        c.flush();
      }
    }
  }
  for (auto& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int k = 1; k + 1 < argc; k += 2) {
    std::string_view a = argv[k];
    std::string v = argv[k + 1];
    if (a == "--mode") o.mode = v == "gantry" ? Mode::gantry : v == "mqtt-ws" ? Mode::mqtt_ws : Mode::mqtt;
    else if (a == "--port") o.port = std::atoi(v.c_str());
    else if (a == "--path") o.path = v;
    else if (a == "--topic") o.topic = v;
    else if (a == "--connections") o.connections = std::atoi(v.c_str());
    else if (a == "--threads") o.threads = std::atoi(v.c_str());
    else if (a == "--qos") o.qos = std::atoi(v.c_str());
    else if (a == "--size") o.size = std::atoi(v.c_str());
    else if (a == "--duration") o.duration_s = std::atof(v.c_str());
    else if (a == "--warmup") o.warmup_s = std::atof(v.c_str());
    else if (a == "--timeout-ms") o.timeout_ms = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[k]);
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  o.threads = std::clamp(o.threads, 1, o.connections);
  std::vector<Stats> stats(o.threads);
  std::vector<std::thread> threads;
  for (int t = 0, first = 0; t < o.threads; ++t) {
    int count = o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0);
    threads.emplace_back(run_thread, std::cref(o), first, count, std::ref(stats[t]));
    first += count;
  }
  auto deadline = Clock::now() + std::chrono::duration<double>(o.ready_s);
  while (ready.load() < o.connections && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int ready_count = ready.load();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup_s));
  // The runner samples the servers' CPU time on these two lines.
  std::printf("measuring\n");
  std::fflush(stdout);
  auto cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  phase = Phase::measuring;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration_s));
  phase = Phase::done;
  std::printf("measured\n");
  std::fflush(stdout);
  auto seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  auto cpu = cpu_seconds() - cpu0;
  for (auto& t : threads) t.join();
  Stats all;
  for (auto& s : stats) {
    for (std::size_t b = 0; b < all.buckets.size(); ++b) all.buckets[b] += s.buckets[b];
    all.round_trips += s.round_trips;
    all.lost += s.lost;
    all.late += s.late;
    all.failed += s.failed;
    all.max_us = std::max(all.max_us, s.max_us);
  }
  std::printf(
      "{\"connections\": %d, \"ready\": %d, \"seconds\": %.3f, \"round_trips\": %llu, \"rate\": %.1f, "
      "\"p50_us\": %.0f, \"p99_us\": %.0f, \"max_us\": %lld, \"lost\": %llu, \"late\": %llu, \"failed\": %llu, "
      "\"client_cpu\": %.3f}\n",
      o.connections, ready_count, seconds, static_cast<unsigned long long>(all.round_trips), all.round_trips / seconds,
      all.percentile(0.50), all.percentile(0.99), static_cast<long long>(all.max_us),
      static_cast<unsigned long long>(all.lost), static_cast<unsigned long long>(all.late),
      static_cast<unsigned long long>(all.failed), cpu / seconds);
  return ready_count == o.connections && all.failed == 0 ? 0 : 1;
}
