// bare_kafka: the bare librdkafka clients (and the SSE reader) that bench/kafka/run.py sets next to Gantry. Built by
// run.py with g++ against Debian's librdkafka; each mode prints one line, `rate=<messages per second>`.
//
//   bare_kafka produce BOOTSTRAP TOPIC CLIENTS SECONDS [key=value]...
//       CLIENTS concurrent "clients", each producing one 100-byte record and waiting for its delivery report (the
//       broker's acknowledgement) before producing the next: the work an HTTP POST at qos auto asks of Gantry.
//       1 s of warm-up, then SECONDS counted.
//   bare_kafka produce-async BOOTSTRAP TOPIC N [key=value]...
//       N records produced as fast as librdkafka takes them, timed until the last delivery report (an upper bound:
//       nothing waits for anything).
//   bare_kafka consume BOOTSTRAP TOPIC N [key=value]...
//       A consumer in a group of its own reads N records from the start (auto.offset.reset earliest), storing each
//       record's offset after reading it (auto commit then commits them): the at-least-once pattern. Timed from the
//       first record to the N-th.
//   bare_kafka sse HOST PORT PATH N
//       An SSE client: GET PATH, counts `data:` lines until N, timed from the first event to the N-th.
//
// The key=value pairs are librdkafka properties, applied after the tool's defaults.
#include <librdkafka/rdkafka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bare_kafka: %s\n", why.c_str());
  std::exit(1);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

rd_kafka_t* make_client(rd_kafka_type_t type, const std::string& bootstrap,
                        std::vector<std::pair<std::string, std::string>> props, rd_kafka_conf_t* conf = nullptr) {
  if (!conf) conf = rd_kafka_conf_new();
  props.insert(props.begin(), {"bootstrap.servers", bootstrap});
  char err[512];
  for (const auto& [k, v] : props)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) die(k + ": " + err);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) die(err);
  return rk;
}

std::vector<std::pair<std::string, std::string>> properties(int argc, char** argv, int first) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (eq == std::string::npos) die("not key=value: " + a);
    out.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  return out;
}

const std::string body(100, 'x');

// Closed loop: every delivery report produces the client's next record, so CLIENTS records are always in flight.
struct Loop {
  rd_kafka_t* rk = nullptr;
  std::string topic;
  bool counting = false, stopping = false;
  std::uint64_t delivered = 0, failed = 0;
};

void produce_one(Loop& loop) {
  auto err = rd_kafka_producev(loop.rk, RD_KAFKA_V_TOPIC(loop.topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_VALUE(const_cast<char*>(body.data()), body.size()), RD_KAFKA_V_END);
  if (err) die(std::string("produce: ") + rd_kafka_err2str(err));
}

using DeliveryCallback = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);

// The loop's producer, reporting each delivery to `on_delivery` with the loop as its opaque.
void start_producer(Loop& loop, DeliveryCallback on_delivery, const std::string& bootstrap, const std::string& topic,
                    std::vector<std::pair<std::string, std::string>> props) {
  loop.topic = topic;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &loop);
  loop.rk = make_client(RD_KAFKA_PRODUCER, bootstrap, std::move(props), conf);
}

void on_closed_loop_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto& loop = *static_cast<Loop*>(opaque);
  if (m->err) ++loop.failed;
  else if (loop.counting) ++loop.delivered;
  if (!loop.stopping) produce_one(loop);
}

int produce_closed(const std::string& bootstrap, const std::string& topic, int clients, double seconds,
                   std::vector<std::pair<std::string, std::string>> props) {
  Loop loop;
  start_producer(loop, &on_closed_loop_delivery, bootstrap, topic, std::move(props));
  for (int i = 0; i < clients; ++i) produce_one(loop);
  const auto begin = Clock::now();
  while (seconds_since(begin) < 1.0) rd_kafka_poll(loop.rk, 50);
  loop.counting = true;
  const auto counted = Clock::now();
  while (seconds_since(counted) < seconds) rd_kafka_poll(loop.rk, 50);
  loop.counting = false;
  const double elapsed = seconds_since(counted);
  loop.stopping = true;
  rd_kafka_flush(loop.rk, 10000);
  rd_kafka_destroy(loop.rk);
  if (loop.failed) die(std::to_string(loop.failed) + " records failed");
  std::printf("rate=%.1f\n", static_cast<double>(loop.delivered) / elapsed);
  return 0;
}

void on_async_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto& loop = *static_cast<Loop*>(opaque);
  m->err ? ++loop.failed : ++loop.delivered;
}

int produce_async(const std::string& bootstrap, const std::string& topic, long n,
                  std::vector<std::pair<std::string, std::string>> props) {
  Loop loop;
  start_producer(loop, &on_async_delivery, bootstrap, topic, std::move(props));
  const auto begin = Clock::now();
  for (long i = 0; i < n;) {
    auto err = rd_kafka_producev(loop.rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_VALUE(const_cast<char*>(body.data()), body.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(loop.rk, 1);
      continue;
    }
    if (err) die(std::string("produce: ") + rd_kafka_err2str(err));
    rd_kafka_poll(loop.rk, 0);
    ++i;
  }
  rd_kafka_flush(loop.rk, 60000);
  const double elapsed = seconds_since(begin);
  rd_kafka_destroy(loop.rk);
  if (loop.failed || static_cast<long>(loop.delivered) != n)
    die(std::to_string(loop.delivered) + " of " + std::to_string(n) + " delivered");
  std::printf("rate=%.1f\n", static_cast<double>(n) / elapsed);
  return 0;
}

int consume(const std::string& bootstrap, const std::string& topic, long n,
            std::vector<std::pair<std::string, std::string>> props) {
  std::random_device rd;
  props.insert(props.begin(), {{"group.id", "bare-" + std::to_string(rd())},
                               {"auto.offset.reset", "earliest"},
                               {"enable.auto.commit", "true"},
                               {"enable.auto.offset.store", "false"}});
  rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, bootstrap, std::move(props));
  rd_kafka_poll_set_consumer(rk);
  auto* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(rk, list)) die(std::string("subscribe: ") + rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(list);
  long got = 0;
  Clock::time_point first{};
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (got < n) {
    if (Clock::now() > deadline) die("only " + std::to_string(got) + " records in 120 s");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (!m) continue;
    if (!m->err) {
      if (got++ == 0) first = Clock::now();
      rd_kafka_offset_store(m->rkt, m->partition, m->offset);  // "processed": offset + 1 is stored for commit
    }
    rd_kafka_message_destroy(m);
  }
  const double elapsed = seconds_since(first);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::printf("rate=%.1f\n", static_cast<double>(n - 1) / elapsed);
  return 0;
}

int sse(const std::string& host, int port, const std::string& path, long n) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("cannot connect");
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) die("cannot write");
  static const char needle[] = "\ndata:";
  constexpr std::size_t keep = sizeof needle - 2;  // a needle cut by a read boundary is found with the next read
  std::vector<char> buf(1 << 20);
  std::size_t carried = 0;
  long got = 0;
  Clock::time_point first{};
  while (got < n) {
    ssize_t r = ::read(fd, buf.data() + carried, buf.size() - carried);
    if (r <= 0) die("the stream ended after " + std::to_string(got) + " events");
    const std::size_t len = carried + static_cast<std::size_t>(r);
    const char* p = buf.data();
    const char* end = buf.data() + len;
    long found = 0;
    while ((p = static_cast<const char*>(memmem(p, static_cast<std::size_t>(end - p), needle, sizeof needle - 1)))) {
      ++found;
      p += sizeof needle - 1;
    }
    if (found && got == 0) first = Clock::now();
    got += found;
    carried = std::min(keep, len);
    std::memmove(buf.data(), end - carried, carried);
  }
  const double elapsed = seconds_since(first);
  ::close(fd);
  std::printf("rate=%.1f\n", static_cast<double>(n - 1) / elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce" && argc >= 6)
    return produce_closed(argv[2], argv[3], std::atoi(argv[4]), std::atof(argv[5]), properties(argc, argv, 6));
  if (mode == "produce-async" && argc >= 5)
    return produce_async(argv[2], argv[3], std::atol(argv[4]), properties(argc, argv, 5));
  if (mode == "consume" && argc >= 5) return consume(argv[2], argv[3], std::atol(argv[4]), properties(argc, argv, 5));
  if (mode == "sse" && argc == 6) return sse(argv[2], std::atoi(argv[3]), argv[4], std::atol(argv[5]));
  die("usage: bare_kafka produce|produce-async|consume|sse ... (see the comment at the top of bare_kafka.cpp)");
}
