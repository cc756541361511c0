// Library choice measurement (docs/design-notes.md): sequential publish -> broker -> subscriber round trips with
// libmosquitto (MQTT 5) driven from our own single-threaded poll loop (mosquitto_socket + loop_read/write/misc),
// which is how it would run inside an io_context.
// Build: g++ -O2 -std=c++20 lib_roundtrip_mosquitto.cpp -lmosquitto -o /tmp/rt_mosq ; run: rt_mosq PORT QOS COUNT
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {
int received = 0;
bool ready = false;
int qos = 0;
void on_connect(mosquitto* m, void*, int rc) { mosquitto_subscribe(m, nullptr, "bench/rt", 1); }
void on_subscribe(mosquitto*, void*, int, int, const int*) { ready = true; }
void on_message(mosquitto*, void*, const mosquitto_message*) { ++received; }

void pump(mosquitto* m) {
  pollfd p{mosquitto_socket(m), POLLIN, 0};
  if (mosquitto_want_write(m)) p.events |= POLLOUT;
  if (poll(&p, 1, 1000) > 0) {
    if (p.revents & POLLIN) mosquitto_loop_read(m, 1);
    if (p.revents & POLLOUT) mosquitto_loop_write(m, 1);
  }
  mosquitto_loop_misc(m);
}
}  // namespace

int main(int argc, char** argv) {
  int port = std::atoi(argv[1]), count = std::atoi(argv[3]);
  qos = std::atoi(argv[2]);
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new("rt-mosq", true, nullptr);
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_subscribe_callback_set(m, on_subscribe);
  mosquitto_message_callback_set(m, on_message);
  if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) return 1;
  while (!ready) pump(m);
  char payload[64] = "round trip payload of a few dozen bytes.....";
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    mosquitto_publish(m, nullptr, "bench/rt", sizeof payload, payload, qos, false);
    while (received <= i) pump(m);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("libmosquitto qos%d: %d round trips in %.3f s = %.0f/s\n", qos, count, s, count / s);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
}
